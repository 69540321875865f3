/**
 * The reboot level a snapshot needs, from its manifest, and what set it: the deciding paths and
 * the changed packages owning them. Read at the commit (recorded in reboot.json) and by `show`.
 */
import type { Manifest } from '../manifest/types.js';
import { changedPackageOwners } from '../pkg/owners.js';
import type { SnapshotStore } from '../snapshots/store.js';
import { explainLevel, type LevelExplanation } from './level.js';

export interface SnapshotLevel extends LevelExplanation {
  /** Set when no path decided: the package manager asked for a reboot, or there is no manifest. */
  note?: string;
}

export function snapshotLevel(store: Pick<SnapshotStore, 'paths' | 'has'>, manifest: Manifest | undefined, rebootNeeded = false): SnapshotLevel {
  if (rebootNeeded) return { level: 'reboot', paths: [], morePaths: 0, packages: [], note: 'the package manager asked for a reboot' };
  if (!manifest) return { level: 'reboot', paths: [], morePaths: 0, packages: [], note: 'no manifest says what changed' };
  if (manifest.files.length === 0 && manifest.packages.length === 0) return { level: 'none', paths: [], morePaths: 0, packages: [] };
  if (manifest.files.length === 0) {
    // Packages changed but no file did (e.g. only dpkg's own state): restart the programs.
    return { level: 'soft-reboot', paths: [], morePaths: 0, packages: manifest.packages.map((p) => p.name).sort() };
  }
  const roots = [store.paths(manifest.number).snapshot];
  if (manifest.base !== null && store.has(manifest.base)) roots.push(store.paths(manifest.base).snapshot);
  const owners = changedPackageOwners(roots, manifest.packages);
  return explainLevel(
    manifest.files.map((f) => f.path),
    owners,
  );
}
