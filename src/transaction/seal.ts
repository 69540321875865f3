/**
 * Step 4 (docs/architecture.md): N becomes read-only with a read-only copy of its /etc, the chroot's
 * boot loader requests are acted on, and N is judged: no change with --drop-if-no-change, or a
 * package set that failed its health check before, ends the transaction here.
 */
import * as btrfs from '../btrfs/btrfs.js';
import { handleBootRequests, isBadPackageSet } from '../boot/index.js';
import { KnownBadPackageSet } from '../errors.js';
import { readInstalledPackages } from '../pkg/installed.js';
import type { System } from '../snapshots/system.js';
import { allSettled } from '../util/settled.js';
import { snapshotHasChanges } from './changeCheck.js';
import type { ClonedEtc } from './clone.js';
import type { OpenTransaction } from './prepare.js';
import type { TransactionRequest } from './request.js';

export type SealVerdict = 'keep' | 'drop';

export async function seal(system: System, tx: OpenTransaction, request: TransactionRequest, etc: ClonedEtc): Promise<SealVerdict> {
  const paths = system.store.paths(tx.number);
  await allSettled([
    btrfs.setReadOnly(paths.snapshot, true),
    btrfs.snapshotSubvolume(paths.snapshotEtc, paths.etc, { readOnly: true }),
  ]);
  if (request.dropIfNoChange && !(await snapshotHasChanges(system, tx.base, tx.number, etc))) return 'drop';
  if (request.refuseBadPackageSets && isBadPackageSet(system.stateDir, await readInstalledPackages(paths.snapshot))) {
    throw new KnownBadPackageSet();
  }
  await handleBootRequests(system, tx.number, tx.requestDir);
  return 'keep';
}
