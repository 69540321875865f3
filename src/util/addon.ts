/**
 * The tool's addon (native/syscalls.c): the btrfs ioctls and mount calls of a transaction, and
 * the stat and access calls a listing makes for every snapshot, made in our own process.
 * Starting a btrfs-progs process from Node costs more than the call, and a thousand fs calls
 * from JavaScript more than the same in one call of the addon. Its errors carry the errno name
 * as `code` (ENOSPC is then a full disk, src/util/diskFull.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpaceReport {
  /** Bytes not yet allocated to any chunk. */
  unallocated: number;
  /** Free bytes in data chunks plus unallocated (what new data can still use). */
  dataFree: number;
  /** Free bytes in metadata chunks plus unallocated. */
  metadataFree: number;
}

export interface NativeAddon {
  /** On libuv's thread pool: snapshots asked for together are made in one btrfs commit. */
  snapshot(source: string, target: string, readOnly: boolean): Promise<void>;
  createSubvolume(path: string): void;
  deleteSubvolume(path: string): void;
  setReadOnly(path: string, readOnly: boolean): void;
  setDefault(path: string): void;
  /** The default subvolume's id and its path below the top level ("" for the top level itself). */
  getDefault(path: string): { id: number; path: string };
  /** Whether the subvolume holding path changed in a transaction after `generation` (the running one too). */
  changedSince(path: string, generation: number): boolean;
  spaceReport(path: string): SpaceReport;
  mountTopLevel(device: string, target: string): void;
  unmount(target: string): void;
  /** Per path "inode:size:seconds.nanoseconds" (stat(2)), or null where nothing is. */
  fileSignatures(paths: readonly string[]): Array<string | null>;
  /** Per path the errno name of access(2) for writing ("EROFS", "ENOENT", …), or "" where it may be written. */
  writeAccess(paths: readonly string[]): string[];
  /**
   * A store's snapshots as a listing is made from them, a line each in number order:
   * "N <info.xml signature> <manifest.json signature> <root>", root the errno name of access(2)
   * for writing N/snapshot or "rw".
   */
  storeState(dir: string): string;
  /** isatty(3). */
  isTerminal(fd: number): boolean;
}

export const ADDON_FILE = 'tu_native.node';

let loaded: NativeAddon | undefined;

/**
 * Where a file that `npm run build` compiles from native/ is: beside the code (the bundle, the
 * package), or in a checkout's native/build/ (found from src/…, dist/… or the bench's
 * .bench-dist/src/…).
 */
export function builtFileCandidates(moduleUrl: string, name: string): string[] {
  const here = dirname(fileURLToPath(moduleUrl));
  const candidates = [join(here, name)];
  for (let up = here, i = 0; i < 4; i++, up = dirname(up)) candidates.push(join(up, 'native', 'build', name));
  return candidates;
}

/** The first of builtFileCandidates that exists; throws saying to build when none does. */
export function builtFile(name: string): string {
  const candidates = builtFileCandidates(import.meta.url, name);
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined) throw new Error(`the tool's ${name} is missing (looked in ${candidates.join(', ')}): run 'npm run build'`);
  return file;
}

export function nativeAddon(): NativeAddon {
  loaded ??= createRequire(import.meta.url)(builtFile(ADDON_FILE)) as NativeAddon;
  return loaded;
}
