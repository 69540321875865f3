/**
 * Reads of one entry in a snapshot tree by its relative BytePath: lstat, readlink, listing,
 * content comparison. Paths go to the kernel as bytes, so no name is ever re-encoded.
 */
import { closeSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import type { BytePath } from './fileTree.js';
import { fileTypeFromMode } from './fileTree.js';
import type { FileType } from '../types.js';

/** The absolute path of rel inside root, as bytes (root is ours and UTF-8; rel is raw bytes). */
export function absoluteBytes(root: string, rel: BytePath): Buffer {
  const base = Buffer.from(root.endsWith('/') ? root.slice(0, -1) : root, 'utf8');
  return rel === '' ? base : Buffer.concat([base, Buffer.from(`/${rel}`, 'latin1')]);
}

/** lstat, or undefined when nothing is there (also when a component above is not a directory). */
export function lstatRel(root: string, rel: BytePath): Stats | undefined {
  try {
    return lstatSync(absoluteBytes(root, rel), { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

export function typeOfStats(stats: { mode: number }): FileType | undefined {
  return fileTypeFromMode(stats.mode);
}

export function readlinkRel(root: string, rel: BytePath): BytePath {
  return readlinkSync(absoluteBytes(root, rel), { encoding: 'buffer' }).toString('latin1');
}

export interface ListedEntry {
  name: BytePath;
  type: FileType | undefined;
}

export function listDirectory(root: string, rel: BytePath): ListedEntry[] {
  const entries = readdirSync(absoluteBytes(root, rel), { encoding: 'buffer', withFileTypes: true });
  return entries.map((e) => ({
    name: (e.name as unknown as Buffer).toString('latin1'),
    type: e.isDirectory() ? 'directory'
      : e.isFile() ? 'file'
      : e.isSymbolicLink() ? 'symlink'
      : e.isFIFO() ? 'fifo'
      : e.isSocket() ? 'socket'
      : e.isCharacterDevice() ? 'char-device'
      : e.isBlockDevice() ? 'block-device'
      : undefined,
  }));
}

const BLOCK = 1 << 16;

/**
 * True when the two files differ in the given byte ranges (flat [offset, length, …]; null:
 * the whole files). Callers compare sizes first; ranges past the end are clipped.
 */
export function contentDiffers(rootA: string, rootB: string, rel: BytePath, size: number, ranges: readonly number[] | null): boolean {
  const fdA = openSync(absoluteBytes(rootA, rel), 'r');
  try {
    const fdB = openSync(absoluteBytes(rootB, rel), 'r');
    try {
      const bufA = Buffer.allocUnsafe(BLOCK);
      const bufB = Buffer.allocUnsafe(BLOCK);
      const spans = ranges ?? [0, size];
      for (let i = 0; i < spans.length; i += 2) {
        let pos = spans[i]!;
        const end = Math.min(size, pos + spans[i + 1]!);
        while (pos < end) {
          const want = Math.min(BLOCK, end - pos);
          const gotA = readFully(fdA, bufA, want, pos);
          const gotB = readFully(fdB, bufB, want, pos);
          if (gotA !== gotB || bufA.compare(bufB, 0, gotB, 0, gotA) !== 0) return true;
          if (gotA < want) break;
          pos += want;
        }
      }
      return false;
    } finally {
      closeSync(fdB);
    }
  } finally {
    closeSync(fdA);
  }
}

function readFully(fd: number, buf: Buffer, want: number, position: number): number {
  let got = 0;
  while (got < want) {
    const n = readSync(fd, buf, got, want - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** What the comparison uses of an lstat: kept instead of fs.Stats, which holds four Dates. */
export interface EntryStat {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly rdev: number;
  readonly nlink: number;
  readonly ino: number;
}

function entryStat(stats: Stats | undefined): EntryStat | undefined {
  if (stats === undefined) return undefined;
  const { mode, uid, gid, size, rdev, nlink, ino } = stats;
  return { mode, uid, gid, size, rdev, nlink, ino };
}

/**
 * lstat results of two trees, taken while the send stream is still arriving: the stream is
 * the slow side, so the time is free then (both snapshots are read-only, so a result never
 * goes stale). Synchronous on purpose: queueing many small lstat calls on libuv's thread pool
 * costs the main thread more than making them. Tens of thousands are held at once, so each
 * is kept small: the garbage collector copies every one that survives.
 */
export class StatCache {
  private readonly trees = new Map<string, Map<BytePath, EntryStat | undefined>>();

  prefetch(root: string, rel: BytePath): void {
    const cache = this.tree(root);
    if (!cache.has(rel)) cache.set(rel, entryStat(lstatRel(root, rel)));
  }

  lstat(root: string, rel: BytePath): EntryStat | undefined {
    const cache = this.tree(root);
    return cache.has(rel) ? cache.get(rel) : entryStat(lstatRel(root, rel));
  }

  private tree(root: string): Map<BytePath, EntryStat | undefined> {
    let cache = this.trees.get(root);
    if (!cache) this.trees.set(root, (cache = new Map()));
    return cache;
  }
}
