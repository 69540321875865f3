/**
 * Crash recovery, on every mutating run (under the lock) and in `cleanup`: scratch directories
 * and mounts of dead runs are removed; the two next-boot pointers are made to agree (GRUB's
 * wins); then a snapshot still marked in progress either passed its commit point — the
 * next-boot pointer names it, so it is finished (mark, menu, reboot level) — or it belongs to a
 * transaction that died before it (kill -9, power loss) and is removed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Where the last recovery left off (state, never rolled back): every snapshot up to this number
 * was looked at, and none of ours is in progress there. Only a transaction marks a snapshot in
 * progress, under the lock, on a number above every existing one (numbers are never reused):
 * so a transaction's recovery reads the info.xml of the snapshots above it only, not of every
 * snapshot. `cleanup`, `abort` and `rollback` look at all of them.
 */
export const RECOVERED_THROUGH_FILE = 'recovered-through';

export async function recoverCrashedTransactions(system: System, options: { onlyNew?: boolean } = {}): Promise<Recovered> {
  const scratch = await sweepScratch();
  await repairPointers(system);
  const next = await defaultSnapshot(system);
  const recovered: Recovered = { removed: [], finished: [], scratch, next };
  const numbers = system.store.numbers();
  const recorded = options.onlyNew ? readRecoveredThrough(system.stateDir) : 0;
  // A mark above every snapshot is not this store's (a store put back from a copy): look at all.
  const through = recorded <= (numbers.at(-1) ?? 0) ? recorded : 0;
  /** In progress but left alone (the booted one): the next recovery must look at it again. */
  const left: number[] = [];
  for (const number of numbers) {
    if (number <= through) continue;
    const record = system.store.read(number);
    if (!record.ours || !record.inProgress) continue;
    if (record.number === system.booted) {
      left.push(number);
      continue;
    }
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
  const newThrough = left.length > 0 ? Math.min(...left) - 1 : (numbers.at(-1) ?? 0);
  if (newThrough !== recorded) writeRecoveredThrough(system.stateDir, newThrough);
  return recovered;
}

function readRecoveredThrough(stateDir: string): number {
  try {
    const value = Number(readFileSync(join(stateDir, RECOVERED_THROUGH_FILE), 'utf8').trim());
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

function writeRecoveredThrough(stateDir: string, through: number): void {
  try {
    // A hint, not a record: no fsync. Lost or torn, it reads as 0 and the next recovery looks at all.
    writeFileSync(join(stateDir, RECOVERED_THROUGH_FILE), `${through}\n`);
  } catch (error) {
    // The next recovery then reads more snapshots, nothing worse.
    log.detail(`could not record where recovery left off: ${String(error)}`);
  }
}
