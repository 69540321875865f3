/** Read-only snapshot pairs on a loop Btrfs for file-change tests, and a truth comparison. */
import { join } from 'node:path';
import { createSubvolume, snapshotSubvolume } from '../../../src/btrfs/btrfs.js';
import { fileChangePathBytes } from '../../../src/manifest/files/filePaths.js';
import type { FileChange } from '../../../src/manifest/types.js';
import { compareTrees, type TruthChange } from '../../support/treeCompare.js';

export interface SnapshotPair {
  base: string;
  next: string;
}

let counter = 0;

/** Build a base with `build`, change a writable snapshot with `mutate`, snapshot both read-only. */
export async function makeSnapshotPair(
  mnt: string,
  build: (root: string) => Promise<void>,
  mutate: (root: string) => Promise<void>,
): Promise<SnapshotPair> {
  const id = counter++;
  const work = join(mnt, `work-${id}`);
  const base = join(mnt, `base-${id}`);
  const rw = join(mnt, `rw-${id}`);
  const next = join(mnt, `next-${id}`);
  await createSubvolume(work);
  await build(work);
  await snapshotSubvolume(work, base, { readOnly: true });
  await snapshotSubvolume(base, rw, { readOnly: false });
  await mutate(rw);
  await snapshotSubvolume(rw, next, { readOnly: true });
  return { base, next };
}

/** Chain: snapshot the writable tree again after more changes, with the previous next as base. */
export async function advance(mnt: string, pair: SnapshotPair, mutate: (root: string) => Promise<void>): Promise<SnapshotPair> {
  const id = counter++;
  const rw = join(mnt, `rw-${id}`);
  const next = join(mnt, `next-${id}`);
  await snapshotSubvolume(pair.next, rw, { readOnly: false });
  await mutate(rw);
  await snapshotSubvolume(rw, next, { readOnly: true });
  return { base: pair.next, next };
}

/** One comparable line per change: relative byte path (hex-free JSON), kind, flags, types. */
export function fromComputed(changes: FileChange[], prefix = '/'): string[] {
  const prefixLen = Buffer.byteLength(prefix === '/' ? '' : prefix);
  return changes.map((c) => {
    const bytes = fileChangePathBytes(c);
    const rel = bytes.subarray(prefixLen).toString('latin1').replace(/^\//, '');
    return line(rel, c.change, c.modified ?? {}, c.oldType, c.newType);
  });
}

export function fromTruth(changes: TruthChange[]): string[] {
  return changes.map((c) => line(c.rel, c.change, c.modified ?? {}, c.oldType, c.newType));
}

function line(rel: string, change: string, modified: object, oldType?: string, newType?: string): string {
  const flags = Object.entries(modified).filter(([, v]) => v).map(([k]) => k).sort().join(',');
  return JSON.stringify([rel, change, flags, change === 'created' ? null : oldType ?? null, change === 'deleted' ? null : newType ?? null]);
}

export async function truthLines(pair: SnapshotPair): Promise<string[]> {
  return fromTruth(await compareTrees(pair.base, pair.next)).sort();
}
