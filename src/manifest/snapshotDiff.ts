/**
 * `diff A B`: what differs between any two snapshots, in either direction, computed from the
 * snapshots themselves (root against root, etc against etc, package databases); no manifest
 * is needed.
 */
import { comparePackages, compareTrees, layoutOf, type SnapshotTrees } from './compare.js';
import { DEFAULT_CONFIG_CAPS, type ConfigCaps } from './configPolicy.js';
import type { ConfigChange, FileChange, PackageChange } from './types.js';

export interface SnapshotDiff {
  from: number;
  to: number;
  packages: PackageChange[];
  files: FileChange[];
  config: ConfigChange[];
  truncated?: { config?: boolean };
}

export async function diffSnapshots(
  store: SnapshotTrees,
  from: number,
  to: number,
  options: { caps?: ConfigCaps } = {},
): Promise<SnapshotDiff> {
  const before = layoutOf(store, from);
  const after = layoutOf(store, to);
  const [trees, packages] = await Promise.all([
    compareTrees(before, after, options.caps ?? DEFAULT_CONFIG_CAPS),
    comparePackages(before.root, after.root),
  ]);
  const capped = trees.config.some((c) => c.withheld === 'capped');
  return { from, to, packages, files: trees.files, config: trees.config, ...(capped ? { truncated: { config: true } } : {}) };
}
