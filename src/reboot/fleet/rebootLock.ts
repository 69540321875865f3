/** What the reboot path needs from a fleet lock, whichever protocol is behind it. */
import { TuError } from '../../errors.js';

/** The lock service could not be reached (or failed mid-call): nothing changed, try later. */
export class LockUnreachableError extends TuError {}

export interface TakeRequest {
  id: string;
  token: string;
  /** The snapshot the node reboots into, recorded with the hold when known. */
  snapshot: number | null;
}

export interface TakeResult {
  outcome: 'taken' | 'already-held' | 'full';
  /** Holders after the attempt, when the protocol tells (etcd does, FleetLock does not). */
  holders: readonly string[] | undefined;
  totalSlots: number | undefined;
  /** Why not, in the lock's own words, when full. */
  reason: string | undefined;
}

export interface GiveBackRequest {
  id: string;
  token: string;
}

export interface GiveBackResult {
  outcome: 'released' | 'not-held';
}

export interface RebootLock {
  readonly description: string;
  take(request: TakeRequest): Promise<TakeResult>;
  giveBack(request: GiveBackRequest): Promise<GiveBackResult>;
  /** Whether id holds a slot now, where the protocol can tell (FleetLock cannot). */
  holds?(id: string): Promise<boolean>;
  close(): void;
}
