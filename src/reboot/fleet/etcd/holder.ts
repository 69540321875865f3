/**
 * What we record beside airlock's semaphore about each of our holders: who (the instance
 * token tells two machines sharing one id apart), since when, which snapshot it reboots
 * into, and its deadline. Written in the same etcd transaction as the semaphore.
 */
import { parseJsonObject } from '../../../util/files.js';

export interface HolderDetails {
  id: string;
  /** Random per installation, kept in the state directory. */
  token: string;
  /** ISO time the slot was taken, by the holder's own clock. */
  since: string;
  snapshot: number | null;
  /** ISO time after which the holder may be reaped, or null for no deadline. */
  deadline: string | null;
}

export function serializeHolder(holder: HolderDetails): string {
  return JSON.stringify({
    id: holder.id,
    token: holder.token,
    since: holder.since,
    snapshot: holder.snapshot,
    deadline: holder.deadline,
  });
}

/** Parse a holder record; undefined when it is not one of ours (it is then ignored). */
export function parseHolder(text: string): HolderDetails | undefined {
  const r = parseJsonObject(text);
  if (!r) return undefined;
  if (typeof r.id !== 'string' || typeof r.token !== 'string' || typeof r.since !== 'string') return undefined;
  const snapshot = typeof r.snapshot === 'number' && Number.isSafeInteger(r.snapshot) ? r.snapshot : null;
  const deadline = typeof r.deadline === 'string' ? r.deadline : null;
  return { id: r.id, token: r.token, since: r.since, snapshot, deadline };
}
