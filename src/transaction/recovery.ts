/**
 * Crash recovery, on every mutating run (under the lock) and in `cleanup`: scratch directories
 * and mounts of dead runs are removed; the two next-boot pointers are made to agree (GRUB's
 * wins); then a snapshot still marked in progress either passed its commit point — the
 * next-boot pointer names it, so it is finished (mark, menu, reboot level) — or it belongs to a
 * transaction that died before it (kill -9, power loss) and is removed.
 */
import { repairPointers } from '../boot/index.js';
import { protectedSnapshots } from '../snapshots/protected.js';
import { defaultSnapshot, type System } from '../snapshots/system.js';
import { log } from '../util/log.js';
import { finishCommitted } from './afterCommit.js';
import { sweepScratch } from './scratch.js';

export interface Recovered {
  removed: number[];
  finished: number[];
  scratch: string[];
  /** The Btrfs default after the repair (the next boot): asked once, for the whole run. */
  next: number | undefined;
}

export async function recoverCrashedTransactions(system: System): Promise<Recovered> {
  const scratch = await sweepScratch();
  await repairPointers(system);
  const next = await defaultSnapshot(system);
  const recovered: Recovered = { removed: [], finished: [], scratch, next };
  for (const record of system.store.list()) {
    if (!record.ours || !record.inProgress || record.number === system.booted) continue;
    if (record.number === next) {
      log.step(`finishing snapshot ${record.number}: committed by an interrupted transaction`);
      await finishCommitted(system, record.number);
      recovered.finished.push(record.number);
    } else {
      log.step(`removing snapshot ${record.number}, left in progress by an interrupted transaction`);
      await system.store.delete(record.number, await protectedSnapshots(system));
      recovered.removed.push(record.number);
    }
  }
  return recovered;
}
