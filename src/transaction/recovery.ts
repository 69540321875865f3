/**
 * Crash recovery: a snapshot still marked in progress while we hold the lock belongs to a
 * transaction that died (kill -9, power loss). It is removed with the one deletion routine.
 */
import type { System } from '../snapshots/system.js';
import { log } from '../util/log.js';

export async function recoverCrashedTransactions(system: System): Promise<number[]> {
  const removed: number[] = [];
  for (const record of system.store.list()) {
    if (!record.ours || !record.inProgress) continue;
    if (record.number === system.booted) continue;
    log.step(`removing snapshot ${record.number}, left in progress by an interrupted transaction`);
    await system.store.delete(record.number);
    removed.push(record.number);
  }
  return removed;
}
