/** The facts about one group read from etcd at one revision: what every decision is made from. */
import type { HolderDetails } from './holder.js';
import type { Semaphore } from './semaphore.js';

export interface HolderRecord {
  details: HolderDetails;
  /** etcd mod_revision of the holder key: the guard when it is rewritten or deleted. */
  modRevision: string;
}

export interface GroupState {
  group: string;
  /** undefined while the semaphore key does not exist. */
  semaphore: Semaphore | undefined;
  /** etcd version of the semaphore key, 0 when absent: the compare-and-swap guard. */
  version: string;
  /** Our holder details keys, by id (also ones whose id is no longer a holder). */
  holders: ReadonlyMap<string, HolderRecord>;
  /** Ids whose deadline key (bound to a lease) still exists. */
  deadlinesAlive: ReadonlySet<string>;
}

/**
 * Holders whose deadline lease has expired: they carry a deadline in their details but the
 * deadline key is gone. Holders without details (taken through airlock) never expire.
 */
export function expiredHolders(state: GroupState): string[] {
  if (!state.semaphore) return [];
  return state.semaphore.holders.filter((id) => {
    const record = state.holders.get(id);
    return record?.details.deadline != null && !state.deadlinesAlive.has(id);
  });
}
