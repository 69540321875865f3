/**
 * Where a snapshot's trees lie and the small pure helpers of a comparison, apart from the
 * comparison itself (./compare.ts): a diff answered from a manifest needs these and must not
 * load the send-stream reader and the subprocess layer.
 */
import { join } from 'node:path';
import { isSubvolumeRoot } from '../../btrfs/subvolume.js';
import type { ConfigChange } from '../types.js';

/** Where a store keeps snapshot N's trees (SnapshotStore satisfies this). */
export interface SnapshotTrees {
  paths(number: number): { snapshot: string; etc: string; etcStart: string };
}

export interface SnapshotLayout {
  /** The read-only root subvolume. */
  root: string;
  /**
   * The read-only copy of /etc kept beside the root (N/etc), or undefined for a snapshot whose
   * /etc is a plain directory inside its root (made by snapper or an older tool).
   */
  etc: string | undefined;
}

export function layoutOf(store: SnapshotTrees, number: number): SnapshotLayout {
  const paths = store.paths(number);
  return { root: paths.snapshot, etc: isSubvolumeRoot(paths.etc) ? paths.etc : undefined };
}

/** /etc of a layout as a directory to read files from. */
export function etcDirectory(layout: SnapshotLayout): string {
  return layout.etc ?? join(layout.root, 'etc');
}

export function sortByPath<T extends { path: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function bytesOfPatches(config: readonly ConfigChange[]): number {
  return config.reduce((sum, c) => sum + (c.patch === null ? 0 : Buffer.byteLength(c.patch)), 0);
}
