/**
 * The next root of a soft-reboot: systemd-soft-reboot.service(8) switches the root to
 * /run/nextroot when it exists, re-executes the service manager there and starts a fresh boot
 * transaction; the kernel, /run and the boot id stay. The tool mounts the new snapshot's
 * subvolume there itself before it calls `systemctl soft-reboot`:
 *
 * - only the snapshot both next-boot pointers name (GRUB's and the Btrfs default; on a system
 *   without the tool's GRUB directory the default is the only one): a full reboot would start
 *   the same snapshot, so a later power cut changes nothing;
 * - its nested /etc comes with it (a nested subvolume is part of the mounted tree);
 * - the shared subvolumes (/var, /home, …) are not mounted below it: the mount units of the old
 *   root are stopped by the soft-reboot, and systemd-fstab-generator mounts them again from the
 *   new root's /etc/fstab after the switch, as at a boot.
 *
 * The marker under /run (bootIdentity.ts) is written right before the switch: after it, the
 * health check knows that the running root came from a soft-reboot and which one.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { currentMounts } from '../util/mountinfo.js';
import { run } from '../util/exec.js';
import { log } from '../util/log.js';
import { defaultSnapshot, findMount, type System } from '../snapshots/system.js';
import { readBootId, SOFT_REBOOT_MARKER, writeSoftRebootMarker } from './bootIdentity.js';
import { readPointer } from './pointers.js';
import { hasGrubDir } from './settings.js';
import { withTopLevel } from './topLevel.js';

export const NEXT_ROOT_DIR = '/run/nextroot';

/** What decides whether snapshot N may become the next root (gathered by gatherNextRootFacts). */
export interface NextRootFacts {
  /** The snapshot that boots next (the pending one). */
  next: number | undefined;
  booted: number | undefined;
  /** The tool's GRUB directory exists: GRUB's pointer is the second pointer. */
  managedBootLoader: boolean;
  grubPointer: number | undefined;
  btrfsDefault: number | undefined;
  /** N/snapshot/etc/fstab exists: the shared subvolumes can come up from it. */
  hasFstab: boolean;
  /** N/snapshot has an os-release (systemd wants an OS tree at /run/nextroot). */
  hasOsRelease: boolean;
}

export type NextRootChoice = { ok: true; snapshot: number } | { ok: false; reason: string };

/** Pure: may the pending snapshot be soft-rebooted into, and if not, why (one clause). */
export function chooseNextRoot(f: NextRootFacts): NextRootChoice {
  if (f.next === undefined) return { ok: false, reason: 'no snapshot is named as the next boot' };
  if (f.next === f.booted) return { ok: false, reason: `snapshot ${f.next} is already running` };
  if (f.btrfsDefault !== f.next) return { ok: false, reason: `the Btrfs default (${f.btrfsDefault ?? 'none'}) does not name snapshot ${f.next}` };
  if (f.managedBootLoader && f.grubPointer !== f.btrfsDefault) {
    return { ok: false, reason: `the next-boot pointers disagree (GRUB's names ${f.grubPointer ?? 'none'}, the Btrfs default ${f.btrfsDefault ?? 'none'})` };
  }
  if (!f.hasFstab) return { ok: false, reason: `snapshot ${f.next} has no /etc/fstab to mount its shared subvolumes from` };
  if (!f.hasOsRelease) return { ok: false, reason: `snapshot ${f.next} has no os-release (systemd switches only into an OS tree)` };
  return { ok: true, snapshot: f.next };
}

/** The subvolume path of snapshot N in the file system ("/@/.snapshots/N/snapshot"). */
export function snapshotSubvolume(snapshotsFsPath: string, number: number): string {
  return `/${snapshotsFsPath.replace(/^\/+|\/+$/g, '')}/${number}/snapshot`;
}

/**
 * The options to mount N's subvolume with: those of the running root's mount (ro/rw, atime…)
 * without its subvolume, plus N's.
 */
export function nextRootMountOptions(rootOptions: string, subvolume: string): string {
  const kept = rootOptions.split(',').filter((o) => o !== '' && !/^subvol(id)?=/.test(o));
  return [...kept, `subvol=${subvolume}`].join(',');
}

export interface NextRootPaths {
  /** Where systemd looks (default /run/nextroot). */
  dir?: string;
  markerPath?: string;
  bootIdPath?: string;
}

/**
 * Mount snapshot N at /run/nextroot and write the marker. Returns a function that undoes both,
 * for when `systemctl soft-reboot` itself fails.
 */
export async function prepareNextRoot(system: System, number: number, paths: NextRootPaths = {}): Promise<() => Promise<void>> {
  const dir = paths.dir ?? NEXT_ROOT_DIR;
  const markerPath = paths.markerPath ?? SOFT_REBOOT_MARKER;
  const root = await findMount(system.root);
  if (!root) throw new Error(`${system.root} is not a mount point`);
  await releaseNextRoot(dir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const subvolume = snapshotSubvolume(system.snapshotsFsPath, number);
  const device = root.source.replace(/\[.*\]$/, '');
  await run('mount', ['-t', 'btrfs', '-o', nextRootMountOptions(root.options, subvolume), device, dir]);
  const release = async () => {
    rmSync(markerPath, { force: true });
    await releaseNextRoot(dir);
  };
  try {
    const mounted = await findMount(dir);
    if (mounted?.fsroot !== subvolume) throw new Error(`${dir} shows ${mounted?.fsroot ?? 'nothing'}, not ${subvolume}`);
    const bootId = readBootId(paths.bootIdPath);
    if (bootId === undefined) throw new Error('the kernel has no boot id to mark the soft-reboot with');
    writeSoftRebootMarker({ from: system.booted ?? 0, to: number, bootId, at: new Date().toISOString() }, markerPath);
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  log.step(`soft-reboot: snapshot ${number} mounted at ${dir} (${subvolume})`);
  return release;
}

/** Unmount whatever is at `dir` (an earlier attempt's leftover), so that no later `systemctl reboot` turns into a soft-reboot. */
export async function releaseNextRoot(dir = NEXT_ROOT_DIR): Promise<void> {
  const mounted = currentMounts().some((m) => m.target === dir || m.target.startsWith(`${dir}/`));
  if (!mounted) return;
  try {
    await run('umount', ['--recursive', dir]);
  } catch (error) {
    log.warn(`could not unmount ${dir}: ${errorMessage(error)}`);
    await run('umount', ['--recursive', '--lazy', dir], { reject: false });
  }
}

/** Gather NextRootFacts for the pending snapshot `next`. */
export async function gatherNextRootFacts(
  system: System,
  next: number | undefined,
  pointers: { managedBootLoader: boolean; grubPointer: number | undefined; btrfsDefault: number | undefined },
): Promise<NextRootFacts> {
  const snapshot = next !== undefined && system.store.has(next) ? system.store.paths(next).snapshot : undefined;
  return {
    next,
    booted: system.booted,
    ...pointers,
    hasFstab: snapshot !== undefined && existsSync(join(snapshot, 'etc/fstab')),
    hasOsRelease: snapshot !== undefined && ['etc/os-release', 'usr/lib/os-release'].some((p) => existsSync(join(snapshot, p))),
  };
}

export type SoftRebootPlan =
  | { ok: true; snapshot: number; prepare: () => Promise<() => Promise<void>> }
  | { ok: false; reason: string };

/** For `reboot`: may the pending snapshot be soft-rebooted into here, and the step that prepares it. */
export async function planSoftReboot(system: System, next: number | undefined, paths: NextRootPaths = {}): Promise<SoftRebootPlan> {
  const pointers = await withTopLevel(system, async (top) => {
    const managedBootLoader = hasGrubDir(top);
    return { managedBootLoader, grubPointer: managedBootLoader ? await readPointer(top) : undefined };
  });
  const facts = await gatherNextRootFacts(system, next, { ...pointers, btrfsDefault: await defaultSnapshot(system) });
  const choice = chooseNextRoot(facts);
  if (!choice.ok) return choice;
  return { ok: true, snapshot: choice.snapshot, prepare: () => prepareNextRoot(system, choice.snapshot, paths) };
}
