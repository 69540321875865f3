/**
 * The btrfs operations the tool needs. Only this module (and the send stream reader in this
 * folder) touches btrfs: the calls of a transaction through the tool's addon (src/util/addon.ts, the
 * same ioctls btrfs-progs makes, without a process each), the rest through `btrfs`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TuError } from '../errors.js';
import { run, runSync } from '../util/exec.js';
import { escapeControl } from '../util/escape.js';
import { log } from '../util/log.js';
import { nativeAddon, type SpaceReport } from '../util/addon.js';

export type { SpaceReport } from '../util/addon.js';

export interface SubvolumeInfo {
  /** Path relative to the top level (subvolid 5), e.g. "@/.snapshots/2/snapshot". */
  path: string;
  id: number;
  readOnly: boolean;
  uuid: string;
}

/**
 * One call of the addon, logged like a command. Its error becomes one line naming the call;
 * the system call's error (its errno name as `code`: ENOSPC is a full disk) stays the cause.
 */
function ioctl<T>(what: string, call: () => T): T {
  log.detail(`btrfs ioctl: ${escapeControl(what)}`);
  try {
    return call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new TuError(`btrfs: ${escapeControl(message)}`, { detail: what, cause: error });
  }
}

export async function createSubvolume(path: string): Promise<void> {
  ioctl(`subvolume create ${path}`, () => nativeAddon().createSubvolume(path));
}

export async function snapshotSubvolume(source: string, target: string, options: { readOnly: boolean }): Promise<void> {
  ioctl(`subvolume snapshot ${options.readOnly ? '-r ' : ''}${source} ${target}`, () => nativeAddon().snapshot(source, target, options.readOnly));
}

/** Delete a subvolume (not recursive: nested subvolumes are deleted first by the caller). */
export async function deleteSubvolume(path: string): Promise<void> {
  ioctl(`subvolume delete ${path}`, () => nativeAddon().deleteSubvolume(path));
}

export async function setReadOnly(path: string, readOnly: boolean): Promise<void> {
  ioctl(`property set ${path} ro ${readOnly}`, () => nativeAddon().setReadOnly(path, readOnly));
}

export async function isReadOnly(path: string): Promise<boolean> {
  return ioctl(`property get ${path} ro`, () => nativeAddon().isReadOnly(path));
}

/** True when path is the root of a subvolume (inode 256 on btrfs). */
export async function isSubvolume(path: string): Promise<boolean> {
  const { exitCode } = await run('btrfs', ['subvolume', 'show', path], { reject: false });
  return exitCode === 0;
}

export async function showSubvolume(path: string): Promise<SubvolumeInfo> {
  const { stdout } = await run('btrfs', ['subvolume', 'show', path]);
  return parseSubvolumeShow(stdout);
}

export function parseSubvolumeShow(text: string): SubvolumeInfo {
  const lines = text.split('\n');
  const field = (name: string) => {
    const line = lines.find((l) => l.trim().startsWith(`${name}:`));
    return line ? line.slice(line.indexOf(':') + 1).trim() : '';
  };
  return {
    path: (lines[0] ?? '').trim(),
    id: Number(field('Subvolume ID')),
    readOnly: /readonly/.test(field('Flags')),
    uuid: field('UUID'),
  };
}

/** The default subvolume of the file system holding path: its id and top-level path. */
export async function getDefault(path: string): Promise<{ id: number; path: string }> {
  return ioctl(`subvolume get-default ${path}`, () => nativeAddon().getDefault(path));
}


export async function setDefault(path: string): Promise<void> {
  ioctl(`subvolume set-default ${path}`, () => nativeAddon().setDefault(path));
}

/** What `btrfs filesystem usage` reports as unallocated and free, from the same ioctls. */
export async function freeSpace(path: string): Promise<SpaceReport> {
  return ioctl(`filesystem usage ${path}`, () => nativeAddon().spaceReport(path));
}

/**
 * Whether the subvolume holding path changed in a transaction after `generation`, the running
 * one included (written but not yet committed counts). When it did not, filesWrittenSince
 * lists nothing: both search its tree from the next generation on.
 */
export function changedSince(path: string, generation: number): boolean {
  return ioctl(`subvolume changed since ${generation} ${path}`, () => nativeAddon().changedSince(path, generation));
}


export async function filesystemUuid(path: string): Promise<string> {
  const { stdout } = await run('findmnt', ['-n', '-o', 'UUID', '--target', path]);
  return stdout.trim();
}

export async function makeFilesystem(device: string, label: string): Promise<void> {
  await run('mkfs.btrfs', ['-q', '-f', '-L', label, device]);
}

/** Commit everything to disk (after metadata moves such as set-default). */
export async function sync(path: string): Promise<void> {
  await run('btrfs', ['filesystem', 'sync', path]);
}

/** The file system's current generation as seen from a subvolume (find-new's marker). */
export async function currentGeneration(path: string): Promise<number> {
  const { stdout } = await run('btrfs', ['subvolume', 'find-new', path, '9999999999']);
  const m = /transid marker was (\d+)/.exec(stdout);
  if (!m) throw new Error(`unexpected output of btrfs subvolume find-new: ${stdout}`);
  return Number(m[1]);
}

/**
 * The generation of the btrfs file system on `device` (its running or last committed
 * transaction), from sysfs (/sys/fs/btrfs/<fsid>/generation, Linux 5.11+): no subprocess.
 * Undefined where sysfs does not show it. Every subvolume's own generation is at most this.
 */
export function filesystemGeneration(device: string, sysfs = '/sys/fs/btrfs'): number | undefined {
  try {
    const name = basename(realpathSync(device));
    for (const fsid of readdirSync(sysfs)) {
      if (!existsSync(`${sysfs}/${fsid}/devices/${name}`)) continue;
      const generation = Number(readFileSync(`${sysfs}/${fsid}/generation`, 'utf8').trim());
      return Number.isSafeInteger(generation) && generation > 0 ? generation : undefined;
    }
  } catch {
    // No sysfs, no such device: the caller asks btrfs instead.
  }
  return undefined;
}

/**
 * Paths (relative to the subvolume) of regular files whose data was written since a
 * generation. Cost grows with the change, not the subvolume. Metadata-only changes and
 * deletions do not show: btrfs find-new lists written extents.
 */
export async function filesWrittenSince(path: string, generation: number): Promise<string[]> {
  const { stdout } = await run('btrfs', ['subvolume', 'find-new', path, String(generation + 1)]);
  return parseFindNew(stdout);
}

/**
 * filesWrittenSince for several subvolumes at once, from one shell that runs btrfs for each
 * (one process started by Node instead of one per subvolume: a start costs this process a
 * fork of itself). Each answer is the paths, or the error of that subvolume's btrfs.
 */
export async function filesWrittenSinceEach(marks: ReadonlyArray<{ path: string; generation: number }>): Promise<Array<string[] | Error>> {
  if (marks.length === 0) return [];
  // Each btrfs writes into its own files (a file name may hold any byte: no separator in
  // one stream is safe). The scratch name lets the next run sweep it after a SIGKILL.
  const dir = mkdtempSync(`/run/tu-requests-${process.pid}-find-new-`);
  try {
    const script = 'dir=$1; shift; i=0; while [ "$#" -gt 1 ]; do btrfs subvolume find-new "$1" "$2" > "$dir/$i" 2>&1; echo "$?" > "$dir/$i.status"; i=$((i + 1)); shift 2; done';
    await run('sh', ['-c', script, 'find-new', dir, ...marks.flatMap((m) => [m.path, String(m.generation + 1)])]);
    return marks.map((m, i) => {
      const status = readFileSync(join(dir, `${i}.status`), 'utf8').trim();
      const output = readFileSync(join(dir, String(i)), 'utf8');
      if (status === '0') return parseFindNew(output);
      return new Error(`btrfs subvolume find-new ${m.path} failed (exit ${status}): ${output.trim().split('\n').pop() ?? ''}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseFindNew(text: string): string[] {
  const paths = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^inode \d+ .* flags \S+ (.*)$/.exec(line);
    if (m) paths.add(m[1]!);
  }
  return [...paths];
}

/**
 * Wait until the space of deleted subvolumes is free again. btrfs deletes a subvolume in the
 * background (the cleaner thread, woken by a transaction commit): right after a failed
 * transaction on a full disk, its deleted snapshot still holds the space for up to ~30 s
 * *(seen)*. Commit, wait for the cleaner, commit again so the freed space shows.
 */
export async function reclaimDeletedSubvolumes(path: string): Promise<void> {
  await run('btrfs', ['filesystem', 'sync', path]);
  await run('btrfs', ['subvolume', 'sync', path]);
  await run('btrfs', ['filesystem', 'sync', path]);
}

/** reclaimDeletedSubvolumes for synchronous callers (the transaction lock). */
export function reclaimDeletedSubvolumesSync(path: string): void {
  runSync('btrfs', ['filesystem', 'sync', path]);
  runSync('btrfs', ['subvolume', 'sync', path]);
  runSync('btrfs', ['filesystem', 'sync', path]);
}
