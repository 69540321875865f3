/**
 * Comparison of two snapshots as they lie in the store: the root and /etc each from their
 * own send stream, the config diffs, the packages. Shared by the manifest of a transaction,
 * manifests computed on demand, and `diff A B`.
 */
import { computeFileChanges } from '../files/fileChanges.js';
import { findPackageDatabase, readInstalledPackages } from '../../pkg/installed.js';
import { compareFor, packageDelta } from '../../pkg/delta.js';
import { computeConfigChanges } from '../config/configChanges.js';
import type { ConfigCaps } from '../config/configPolicy.js';
import { isUnderEtc } from '../summary.js';
import type { ConfigChange, FileChange, PackageChange } from '../types.js';

export { etcDirectory, layoutOf, type SnapshotLayout, type SnapshotTrees } from './layout.js';
import { etcDirectory, type SnapshotLayout } from './layout.js';

export interface TreeComparison {
  /** Root and /etc changes, absolute paths, sorted. */
  files: FileChange[];
  config: ConfigChange[];
}

/**
 * Changed paths of root and /etc from `before` to `after`. When both keep /etc beside the
 * root, the root's own /etc is only the mount point of the nested subvolume: its entries in
 * the root's stream are noise and /etc is compared from the two etc copies instead.
 */
export async function compareTrees(
  before: SnapshotLayout,
  after: SnapshotLayout,
  caps: ConfigCaps,
): Promise<TreeComparison> {
  if (before.etc !== undefined && after.etc !== undefined) {
    // Two streams, two btrfs processes: the kernel works on both while we read them.
    const [rootFiles, etcFiles] = await Promise.all([
      computeFileChanges(before.root, after.root, { mountPrefix: '/' }),
      computeFileChanges(before.etc, after.etc, { mountPrefix: '/etc' }),
    ]);
    const files = sortByPath([...rootFiles.filter((f) => !isUnderEtc(f.path)), ...etcFiles]);
    return { files, config: await computeConfigChanges(before.etc, after.etc, etcFiles, caps) };
  }
  const files = sortByPath(await computeFileChanges(before.root, after.root, { mountPrefix: '/' }));
  return {
    files,
    config: await computeConfigChanges(etcDirectory(before), etcDirectory(after), files.filter((f) => isUnderEtc(f.path)), caps),
  };
}

/** /etc changes between two etc copies (both read-only subvolumes). */
export async function compareEtc(beforeEtc: string, afterEtc: string, caps: ConfigCaps): Promise<TreeComparison> {
  const files: FileChange[] = sortByPath(await computeFileChanges(beforeEtc, afterEtc, { mountPrefix: '/etc' }));
  return { files, config: await computeConfigChanges(beforeEtc, afterEtc, files, caps) };
}

/**
 * Package changes from one root to another, in the version order of the package database
 * found in `afterRoot`; before undefined means "nothing installed". Two roots without any
 * package database (bare test trees) have no package changes.
 */
export async function comparePackages(beforeRoot: string | undefined, afterRoot: string): Promise<PackageChange[]> {
  const database = findPackageDatabase(afterRoot);
  if (!database && (beforeRoot === undefined || !findPackageDatabase(beforeRoot))) return [];
  const before = beforeRoot === undefined ? [] : await readInstalledPackages(beforeRoot);
  const after = await readInstalledPackages(afterRoot);
  return packageDelta(before, after, compareFor(database!.kind));
}

export { bytesOfPatches, sortByPath } from './layout.js';
import { sortByPath } from './layout.js';
