/**
 * Step 2: N/snapshot, a writable snapshot of the base's root. /etc, a nested subvolume, is not
 * part of a btrfs snapshot. N/etc.start is the merge base: a read-only snapshot of the running
 * /etc when the base is booted (so hand edits made before are carried in), or with --continue
 * the base's own etc.start while it has one (it has not booted yet). N/snapshot/etc is a
 * writable snapshot of the base's /etc as it is now: for a base that is not booted, its own
 * nested /etc, the one booting it would give, with what was edited and merged there while it
 * ran (N/etc is only what its transaction left).
 * The root and etc.start are made at the same time: btrfs creates snapshots asked for together
 * in one transaction commit.
 */
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import * as btrfs from '../btrfs/btrfs.js';
import { isSubvolumeRoot } from '../btrfs/subvolume.js';
import type { System } from '../snapshots/system.js';
import { allSettled } from '../util/settled.js';

export async function clone(system: System, base: number, number: number): Promise<void> {
  const from = system.store.paths(base);
  const to = system.store.paths(number);
  const booted = base === system.booted;
  const baseEtc = booted ? join(system.root, 'etc') : isSubvolumeRoot(from.snapshotEtc) ? from.snapshotEtc : from.etc;
  const etcStartSource = !booted && existsSync(from.etcStart) ? from.etcStart : baseEtc;
  await allSettled([
    btrfs.snapshotSubvolume(from.snapshot, to.snapshot, { readOnly: false }),
    btrfs.snapshotSubvolume(etcStartSource, to.etcStart, { readOnly: true }),
  ]);
  if (existsSync(to.snapshotEtc)) rmdirSync(to.snapshotEtc);
  await btrfs.snapshotSubvolume(booted ? to.etcStart : baseEtc, to.snapshotEtc, { readOnly: false });
}
