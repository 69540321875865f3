/**
 * The text of `diff A B`, kept beside B once it has been rendered from B's manifest:
 * `.snapshots/B/diff-A.txt` (`diff-A.color.txt` for a terminal). snapper keeps
 * `filelist-A.txt` for the same reason: a large recorded diff is then printed as it was
 * written, not parsed and rendered again.
 *
 * Kept as util/keptText.ts keeps a text (magic `tu-diff-text 2`). The key names what the text
 * was made from: B's manifest.json and A's info.xml (inode, size, mtime: a rewrite is a
 * rename, so a new inode) and the build of the tool that rendered it. Any change to them, or a
 * torn write, reads as "no text", and the diff is made again.
 * Only a diff answered from the manifest alone is kept: one that compared /etc trees again
 * depends on more than the key.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readKeptText, writeKeptText } from '../../util/keptText.js';

/** Where a store keeps snapshot N's files (SnapshotStore satisfies this). */
export interface DiffTextLocator {
  paths(number: number): { dir: string; info: string; manifest: string };
}

const MAGIC = 'tu-diff-text 2';

export function diffTextFile(store: DiffTextLocator, from: number, to: number, color: boolean): string {
  return join(store.paths(to).dir, `diff-${from}${color ? '.color' : ''}.txt`);
}

function fileKey(path: string): string | undefined {
  const st = statSync(path, { throwIfNoEntry: false, bigint: true });
  return st?.isFile() ? `${st.ino}.${st.size}.${st.mtimeNs}` : undefined;
}

/** The key of the pair now, or undefined when a file it is made from is missing. */
export function diffTextKey(store: DiffTextLocator, from: number, to: number, build: string): string | undefined {
  const manifest = fileKey(store.paths(to).manifest);
  const base = fileKey(store.paths(from).info);
  if (manifest === undefined || base === undefined || !/^[\w.-]+$/.test(build)) return undefined;
  return `${build}:${manifest}:${base}`;
}

/** The text kept under `key` (diffTextKey of the pair now), or undefined (none, stale, torn, or not ours). */
export function readDiffText(store: DiffTextLocator, from: number, to: number, color: boolean, key: string): Buffer | undefined {
  return readKeptText(diffTextFile(store, from, to, color), MAGIC, key);
}

/**
 * Keep the text under `key`, the key taken before the diff was made (a manifest rewritten
 * meanwhile then leaves a text nobody reads). Best effort: a reader without write access (a
 * user's `diff`), a read-only or full file system just go without.
 */
export function writeDiffText(store: DiffTextLocator, from: number, to: number, color: boolean, key: string, text: string): void {
  let mode: number;
  try {
    // The manifest's own mode: whoever may read the manifest may read its diff.
    mode = statSync(store.paths(to).manifest).mode & 0o777;
  } catch {
    return;
  }
  writeKeptText(diffTextFile(store, from, to, color), MAGIC, key, text, mode);
}
