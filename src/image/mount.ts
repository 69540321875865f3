/**
 * `image mount` / `image umount`: a managed image mounted the way a booted system sees itself —
 * the default snapshot at <dir>, /.snapshots and the separate subvolumes as its fstab says,
 * the ESP at /boot/efi — through loop devices of its own (never UUID= look-ups, which could
 * find another image with the same UUID).
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TuError, UsageError } from '../errors.js';
import { run } from '../util/exec.js';
import { log } from '../util/log.js';
import { parseFstab } from './layout.js';
import { attachLoop, attachPartitions, detachLoop, fileSystemUuid, loopsOf, readPartitions } from './loop.js';

export interface MountedImage {
  dir: string;
  devices: string[];
}

export async function mountImage(file: string, dirArg: string): Promise<MountedImage> {
  const dir = resolve(dirArg);
  if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a directory`);
  if ((await mountsUnder(dir)).length > 0) throw new TuError(`${dir} is already a mount point`, { hint: `unmount it first: transactional-update image umount ${dir}` });

  const partitioned = (await readPartitions(file)).length > 0;
  const devices = partitioned ? await attachPartitions(file) : [await attachLoop(file)];
  const btrfsDevice = devices.at(-1)!;
  const espDevice = partitioned ? devices[0] : undefined;
  try {
    await run('mount', [btrfsDevice, dir]);
    const uuid = await fileSystemUuid(btrfsDevice);
    const espUuid = espDevice ? await fileSystemUuid(espDevice) : undefined;
    const fstab = parseFstab(readFileSync(join(dir, 'etc/fstab'), 'utf8'));
    for (const entry of fstab) {
      if (entry.target === '/') continue;
      const device = entry.spec === `UUID=${uuid}` ? btrfsDevice : espUuid && entry.spec === `UUID=${espUuid}` ? espDevice : undefined;
      if (!device) continue;
      const options = entry.options.split(',').filter((o) => o !== 'defaults' && o !== 'nofail');
      const mounted = await run('mount', ['-t', entry.fstype, ...(options.length ? ['-o', options.join(',')] : []), device, join(dir, entry.target)], {
        reject: device !== espDevice,
      });
      // Some kernels have no vfat: the ESP stays unmounted (the boot code reaches it with mtools).
      if (mounted.exitCode !== 0) log.warn(`could not mount the ESP at ${join(dir, entry.target)}: ${mounted.stderr.trim().split('\n')[0]}`);
    }
  } catch (error) {
    await unmountTree(dir);
    for (const d of devices) await detachLoop(d);
    throw error;
  }
  return { dir, devices };
}

export async function umountImage(dirArg: string): Promise<void> {
  const dir = resolve(dirArg);
  const mounts = await mountsUnder(dir);
  if (mounts.length === 0) throw new UsageError(`nothing is mounted at ${dir}`);
  const mountedLoops = [...new Set(mounts.map((m) => m.source.replace(/\[.*\]$/, '')).filter((s) => /^\/dev\/loop\d+$/.test(s)))];
  // Every loop device of the image goes, also a partition that was never mounted (an ESP on
  // a kernel without vfat).
  const files = (await Promise.all(mountedLoops.map(backingFile))).filter((f): f is string => f !== undefined);
  const loops = new Set(mountedLoops);
  for (const file of new Set(files)) for (const loop of await loopsOf(file)) loops.add(loop);
  await unmountTree(dir);
  for (const loop of loops) await detachLoop(loop);
}

async function backingFile(loop: string): Promise<string | undefined> {
  const { stdout, exitCode } = await run('losetup', ['--noheadings', '--output', 'BACK-FILE', loop], { reject: false });
  return exitCode === 0 && stdout.trim() ? stdout.trim() : undefined;
}

interface MountRow {
  target: string;
  source: string;
}

export async function mountsUnder(dir: string): Promise<MountRow[]> {
  const { stdout, exitCode } = await run('findmnt', ['-J', '-l', '-o', 'TARGET,SOURCE'], { reject: false });
  if (exitCode !== 0) return [];
  const rows = (JSON.parse(stdout) as { filesystems: MountRow[] }).filesystems;
  return rows.filter((r) => r.target === dir || r.target.startsWith(`${dir}/`));
}

/** Unmount everything at and below dir, deepest first. */
async function unmountTree(dir: string): Promise<void> {
  const mounts = (await mountsUnder(dir)).map((m) => m.target).sort((a, b) => b.length - a.length);
  for (const target of mounts) await run('umount', [target], { reject: false });
  const left = await mountsUnder(dir);
  if (left.length > 0) {
    for (const m of left.sort((a, b) => b.target.length - a.target.length)) await run('umount', ['--lazy', m.target], { reject: false });
  }
}
