/**
 * Step 2: N/snapshot, a writable snapshot of the base's root. /etc, a nested subvolume, is not
 * part of a btrfs snapshot. N/etc.start is the merge base: a read-only snapshot of the running
 * /etc when the base is booted (so hand edits made before are carried in), or with --continue
 * the base's own etc.start. N/snapshot/etc is a writable snapshot of the base's /etc as it is now.
 */
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import * as btrfs from '../btrfs/btrfs.js';
import type { System } from '../snapshots/system.js';

export async function clone(system: System, base: number, number: number): Promise<void> {
  const from = system.store.paths(base);
  const to = system.store.paths(number);
  await btrfs.snapshotSubvolume(from.snapshot, to.snapshot, { readOnly: false });
  if (existsSync(to.snapshotEtc)) rmdirSync(to.snapshotEtc);
  if (base === system.booted) {
    await btrfs.snapshotSubvolume(join(system.root, 'etc'), to.etcStart, { readOnly: true });
    await btrfs.snapshotSubvolume(to.etcStart, to.snapshotEtc, { readOnly: false });
  } else {
    await btrfs.snapshotSubvolume(existsSync(from.etcStart) ? from.etcStart : from.etc, to.etcStart, { readOnly: true });
    await btrfs.snapshotSubvolume(from.etc, to.snapshotEtc, { readOnly: false });
  }
}
