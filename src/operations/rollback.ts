/** `rollback [N|last]`: make a complete snapshot the next boot, saying first what that changes. */
import { BootedNotASnapshot, NoOtherBootedSnapshot, SnapshotIncomplete, SnapshotNotFoundError } from '../errors.js';
import { rollbackPreviewFor } from '../manifest/index/listing.js';
import type { RollbackPreview } from '../manifest/rollbackPreview.js';
import { lastBootedOtherThan, readBootHistory } from '../snapshots/bootHistory.js';
import { defaultSnapshot, type System } from '../snapshots/system.js';
import { acquireLock } from '../transaction/lock.js';
import { moveNextBoot } from './nextBoot.js';
import { recoverCrashedTransactions } from '../transaction/recovery.js';

export type RollbackTarget = number | 'booted' | 'last';

export interface RollbackPlan {
  /** The next boot now. */
  from: number | undefined;
  to: number;
  /** What going from `from` to `to` changes; undefined when there is nothing to compare. */
  preview: RollbackPreview | undefined;
  alreadyNext: boolean;
}

export async function planRollback(system: System, target: RollbackTarget): Promise<RollbackPlan> {
  const from = await defaultSnapshot(system);
  const to = resolveTarget(system, target, from);
  requireBootable(system, to);
  const alreadyNext = to === from;
  const preview = from === undefined || alreadyNext ? undefined : await rollbackPreviewFor(system.store, from, to);
  return { from, to, preview, alreadyNext };
}

function resolveTarget(system: System, target: RollbackTarget, next: number | undefined): number {
  if (target === 'booted') {
    if (system.booted === undefined) throw new BootedNotASnapshot();
    return system.booted;
  }
  if (target === 'last') {
    const last = lastBootedOtherThan(readBootHistory(system.stateDir), next, (n) => system.store.has(n));
    if (last === undefined) throw new NoOtherBootedSnapshot();
    return last;
  }
  return target;
}

export function requireBootable(system: System, number: number): void {
  if (!system.store.has(number)) throw new SnapshotNotFoundError(number);
  const record = system.store.read(number);
  if (!record.complete || record.inProgress) throw new SnapshotIncomplete(number);
}

/** Returns the warnings left for the next run (the boot menu). */
export async function rollback(system: System, plan: RollbackPlan): Promise<string[]> {
  using _lock = acquireLock(system.stateDir);
  await recoverCrashedTransactions(system);
  requireBootable(system, plan.to);
  return moveNextBoot(system, plan.to);
}
