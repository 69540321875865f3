/**
 * Where a group lives in etcd. The semaphore key is airlock's own
 * (coreos/airlock internal/lock/lock.go: fmt.Sprintf("com.coreos.airlock/groups/%s/v1/semaphore",
 * url.QueryEscape(group))), so airlock, Zincati's FleetLock server and this tool share slots.
 * Holder details and deadlines are ours, beside it, under one prefix per group.
 */

/** Go's url.QueryEscape: unreserved bytes kept, space as '+', every other byte as %XX. */
export function queryEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export interface GroupKeys {
  semaphore: string;
  holdersPrefix: string;
  deadlinesPrefix: string;
  holder(id: string): string;
  deadline(id: string): string;
}

export function groupKeys(group: string): GroupKeys {
  const base = `transactional-update/fleet/${queryEscape(group)}`;
  const holdersPrefix = `${base}/holders/`;
  const deadlinesPrefix = `${base}/deadlines/`;
  return {
    semaphore: `com.coreos.airlock/groups/${queryEscape(group)}/v1/semaphore`,
    holdersPrefix,
    deadlinesPrefix,
    holder: (id) => holdersPrefix + queryEscape(id),
    deadline: (id) => deadlinesPrefix + queryEscape(id),
  };
}
