/**
 * `diff A B`: what differs between any two snapshots, in either direction. When B's manifest
 * was recorded against A it answers (recordedDiff.ts); otherwise the snapshots themselves are
 * compared (root against root, etc against etc, package databases), no manifest needed.
 */
import { layoutOf } from './layout.js';
import { DEFAULT_CONFIG_CAPS, type ConfigCaps } from '../config/configPolicy.js';
import { recordedDiff, type RecordedDiffStore } from './recordedDiff.js';
import type { ConfigChange, FileChange, PackageChange } from '../types.js';

export interface SnapshotDiff {
  from: number;
  to: number;
  packages: PackageChange[];
  files: FileChange[];
  config: ConfigChange[];
  truncated?: { config?: boolean };
  /** Where the answer came from: B's recorded manifest, or a comparison of the two snapshots. */
  source: 'manifest' | 'snapshots';
  /** From the manifest, but /etc was compared again from the two etc trees (recordedDiff.ts). */
  etcCompared?: true;
}

export async function diffSnapshots(
  store: RecordedDiffStore,
  from: number,
  to: number,
  options: { caps?: ConfigCaps; recompute?: boolean } = {},
): Promise<SnapshotDiff> {
  // A manifest is built with the default caps, so only they can be answered from one.
  if (!options.recompute && options.caps === undefined) {
    const recorded = await recordedDiff(store, from, to, DEFAULT_CONFIG_CAPS);
    if (recorded) return recorded;
  }
  // The comparison (send streams, subprocesses) is loaded only when the manifest cannot answer.
  const { comparePackages, compareTrees } = await import('./compare.js');
  const before = layoutOf(store, from);
  const after = layoutOf(store, to);
  const [trees, packages] = await Promise.all([
    compareTrees(before, after, options.caps ?? DEFAULT_CONFIG_CAPS),
    comparePackages(before.root, after.root),
  ]);
  const capped = trees.config.some((c) => c.withheld === 'capped');
  return { from, to, packages, files: trees.files, config: trees.config, ...(capped ? { truncated: { config: true } } : {}), source: 'snapshots' };
}
