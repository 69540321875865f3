/** The facts about one group read from etcd at one revision: what every decision is made from. */
import { parseHolder, type HolderDetails } from './holder.js';
import { groupKeys } from './keys.js';
import { parseSemaphore, type Semaphore } from './semaphore.js';

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

/** One key-value as etcd returns it (what `etcdctl get -w json` shows, decoded). */
export interface EtcdKv {
  key: string;
  value: string;
  version: string;
  modRevision: string;
}

/**
 * The group's state from what etcd returned at one revision: the semaphore key (if any),
 * the keys under the holders prefix, and the keys under the deadlines prefix.
 */
export function groupStateFromKvs(group: string, semaphoreKv: EtcdKv | undefined, holderKvs: readonly EtcdKv[], deadlineKeys: readonly string[]): GroupState {
  const keys = groupKeys(group);
  const holders = new Map<string, HolderRecord>();
  for (const kv of holderKvs) {
    const details = parseHolder(kv.value);
    // A record is trusted only under its own id's key.
    if (details && keys.holder(details.id) === kv.key) holders.set(details.id, { details, modRevision: kv.modRevision });
  }
  const alive = new Set(deadlineKeys);
  return {
    group,
    semaphore: semaphoreKv ? parseSemaphore(semaphoreKv.value, keys.semaphore) : undefined,
    version: semaphoreKv?.version ?? '0',
    holders,
    deadlinesAlive: new Set([...holders.keys()].filter((id) => alive.has(keys.deadline(id)))),
  };
}
