/**
 * `--drop-if-no-change`: did the transaction create, delete or modify any path in the root or
 * in /etc (timestamps aside)? Answered from the send streams, stopping at the first change.
 */
import { hasChanges } from '../btrfs/send.js';
import type { System } from '../snapshots/system.js';

export async function snapshotHasChanges(system: System, base: number, number: number): Promise<boolean> {
  const before = system.store.paths(base);
  const after = system.store.paths(number);
  if (await hasChanges(before.snapshot, after.snapshot)) return true;
  // /etc against what the transaction started from (the running /etc carried into etc.start).
  return hasChanges(after.etcStart, after.etc);
}
