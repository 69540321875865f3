/**
 * Pure decisions on a group's state: take a slot, give one back, change the slot count.
 * Each plan says what to write; the acting layer writes it in one etcd transaction guarded
 * by the versions the state was read at, and re-reads and re-plans on a conflict.
 */
import { expiredHolders, type GroupState } from './groupState.js';
import { makeSemaphore, type Semaphore } from './semaphore.js';

export interface AcquireRequest {
  id: string;
  token: string;
  /** FLEET_SLOTS: used only when the semaphore does not exist yet. */
  configuredSlots: number;
  /** True when FLEET_SLOTS was set in the configuration (not the default). */
  slotsExplicit: boolean;
}

export type AcquireOutcome = 'taken' | 'already-held' | 'full' | 'duplicate';

export interface AcquirePlan {
  outcome: AcquireOutcome;
  /** Expired holders removed in the same transaction. */
  reaped: string[];
  /** The semaphore to write, or undefined when it stays as it is. */
  next: Semaphore | undefined;
  /** Write our holder details (and deadline) in the transaction. */
  writeHolder: boolean;
  /** The semaphore as it stands after this plan (for messages). */
  result: Semaphore;
  /** Set when the configuration's slot count disagrees with the one in etcd. */
  slotMismatch: { configured: number; actual: number } | undefined;
}

export function planAcquire(state: GroupState, request: AcquireRequest): AcquirePlan {
  const base = state.semaphore ?? makeSemaphore(request.configuredSlots, []);
  const create = state.semaphore === undefined;
  const slotMismatch =
    !create && request.slotsExplicit && base.totalSlots !== request.configuredSlots
      ? { configured: request.configuredSlots, actual: base.totalSlots }
      : undefined;
  const reaped = expiredHolders(state);
  const remaining = base.holders.filter((id) => !reaped.includes(id));
  const afterReap = makeSemaphore(base.totalSlots, remaining);
  const changed = create || reaped.length > 0;
  const unchanged = (outcome: AcquireOutcome, writeHolder = false): AcquirePlan => ({
    outcome,
    reaped,
    next: changed ? afterReap : undefined,
    writeHolder,
    result: afterReap,
    slotMismatch,
  });

  if (remaining.includes(request.id)) {
    const mine = state.holders.get(request.id);
    if (mine && mine.details.token !== request.token) return unchanged('duplicate');
    // Held already (recursive, as airlock): adopt a hold taken without details.
    return unchanged('already-held', mine === undefined);
  }
  if (remaining.length >= base.totalSlots) return unchanged('full');
  const taken = makeSemaphore(base.totalSlots, [...remaining, request.id]);
  return { outcome: 'taken', reaped, next: taken, writeHolder: true, result: taken, slotMismatch };
}

export interface ReleaseRequest {
  id: string;
  /** Our instance token; undefined with force. */
  token: string | undefined;
  /** An administrator's unlock: release whoever holds the id. */
  force: boolean;
}

export type ReleaseOutcome = 'released' | 'not-held' | 'foreign';

export interface ReleasePlan {
  outcome: ReleaseOutcome;
  reaped: string[];
  next: Semaphore | undefined;
  /** Delete the id's holder details and deadline keys. */
  deleteHolder: boolean;
  result: Semaphore | undefined;
}

export function planRelease(state: GroupState, request: ReleaseRequest): ReleasePlan {
  const reaped = expiredHolders(state).filter((id) => id !== request.id);
  const mine = state.holders.get(request.id);
  const ownsDetails = mine !== undefined && (request.force || mine.details.token === request.token);
  if (!state.semaphore) {
    return { outcome: 'not-held', reaped, next: undefined, deleteHolder: ownsDetails, result: undefined };
  }
  const { totalSlots, holders } = state.semaphore;
  const withoutReaped = holders.filter((id) => !reaped.includes(id));
  if (!holders.includes(request.id)) {
    const next = reaped.length > 0 ? makeSemaphore(totalSlots, withoutReaped) : undefined;
    return { outcome: 'not-held', reaped, next, deleteHolder: ownsDetails, result: next ?? state.semaphore };
  }
  if (mine && !ownsDetails) {
    return { outcome: 'foreign', reaped: [], next: undefined, deleteHolder: false, result: state.semaphore };
  }
  const next = makeSemaphore(totalSlots, withoutReaped.filter((id) => id !== request.id));
  return { outcome: 'released', reaped, next, deleteHolder: true, result: next };
}

export interface SlotsPlan {
  reaped: string[];
  next: Semaphore;
  previous: number | undefined;
}

/** The one way the slot count changes. Holders above the new count keep their slots and drain. */
export function planSlots(state: GroupState, totalSlots: number): SlotsPlan {
  const reaped = expiredHolders(state);
  const holders = (state.semaphore?.holders ?? []).filter((id) => !reaped.includes(id));
  return { reaped, next: makeSemaphore(totalSlots, holders), previous: state.semaphore?.totalSlots };
}

/** Reap only (fleet status): undefined when nothing expired. */
export function planReap(state: GroupState): SlotsPlan | undefined {
  if (!state.semaphore) return undefined;
  const plan = planSlots(state, state.semaphore.totalSlots);
  return plan.reaped.length > 0 ? plan : undefined;
}
