/** `abort [N]`: discard a closed snapshot that has not been booted; the booted one boots next again. */
import { NothingPending, SnapshotAlreadyBooted, SnapshotNotFoundError, SnapshotNotOurs, BootedNotASnapshot } from '../errors.js';
import { hasBooted, readBootHistory } from '../snapshots/bootHistory.js';
import { protectedSnapshots } from '../snapshots/protected.js';
import { defaultSnapshot, type System } from '../snapshots/system.js';
import { acquireLock } from '../transaction/lock.js';
import { moveNextBoot, refreshMenu } from './nextBoot.js';
import { recoverCrashedTransactions } from '../transaction/recovery.js';

export interface AbortResult {
  discarded: number;
  /** Set when the discarded snapshot was the next boot: the booted one is again. */
  nextBoot: number | undefined;
  warnings: string[];
}

export async function abort(system: System, target: number | undefined): Promise<AbortResult> {
  using _lock = acquireLock(system.stateDir);
  await recoverCrashedTransactions(system);
  const next = await defaultSnapshot(system);
  const number = target ?? next;
  if (number === undefined || number === system.booted) throw new NothingPending();
  if (!system.store.has(number)) throw new SnapshotNotFoundError(number);
  if (hasBooted(readBootHistory(system.stateDir), number)) throw new SnapshotAlreadyBooted(number);
  if (!system.store.read(number).ours) throw new SnapshotNotOurs(number);
  const warnings: string[] = [];
  let nextBoot: number | undefined;
  if (number === next) {
    if (system.booted === undefined) throw new BootedNotASnapshot();
    warnings.push(...(await moveNextBoot(system, system.booted)));
    nextBoot = system.booted;
  }
  await system.store.delete(number, await protectedSnapshots(system));
  if (nextBoot === undefined) warnings.push(...(await refreshMenu(system)));
  return { discarded: number, nextBoot, warnings };
}
