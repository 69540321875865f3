/**
 * `--drop-if-no-change`: did the transaction create, delete or modify any path in the root or
 * in /etc (timestamps aside)? Answered from the send streams, stopping at the first change.
 */
import { hasChanges } from '../btrfs/send.js';
import type { System } from '../snapshots/system.js';
import type { ClonedEtc } from './clone.js';

export async function snapshotHasChanges(system: System, base: number, number: number, etc: ClonedEtc): Promise<boolean> {
  const before = system.store.paths(base);
  const after = system.store.paths(number);
  if (await hasChanges(before.snapshot, after.snapshot)) return true;
  // /etc against the /etc the transaction began with.
  return hasChanges(etc.began, after.etc);
}
