/**
 * The btrfs operations the tool needs. Only this folder touches btrfs: the calls of a
 * transaction through the tool's addon (ioctl.ts, re-exported here), the rest through the
 * `btrfs` command, and the send stream reader.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { run, runSync } from '../util/exec.js';

export {
  changedSince, createSubvolume, deleteSubvolume, freeSpace, getDefault, setDefault, setReadOnly, snapshotSubvolume, type SpaceReport,
} from './ioctl.js';

export interface SubvolumeInfo {
  /** Path relative to the top level (subvolid 5), e.g. "@/.snapshots/2/snapshot". */
  path: string;
  id: number;
  readOnly: boolean;
  uuid: string;
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
