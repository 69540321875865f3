/**
 * The btrfs operations of a transaction, through the tool's addon (src/util/addon.ts): the
 * same ioctls btrfs-progs makes, without starting a process for each. This module loads no
 * subprocess machinery, so a listing that asks for the default subvolume stays light.
 */
import { TuError } from '../errors.js';
import { nativeAddon, type SpaceReport } from '../util/addon.js';
import { escapeControl } from '../util/escape.js';
import { log } from '../util/log.js';

export type { SpaceReport } from '../util/addon.js';

/**
 * One call of the addon, logged like a command. Its error becomes one line naming the call;
 * the system call's error (its errno name as `code`: ENOSPC is a full disk) stays the cause.
 */
function ioctl<T>(what: string, call: () => T): T {
  log.detail(`btrfs call: ${escapeControl(what)}`);
  try {
    return call();
  } catch (error) {
    throw failure(what, error);
  }
}

function failure(what: string, error: unknown): TuError {
  const message = error instanceof Error ? error.message : String(error);
  return new TuError(`btrfs: ${escapeControl(message)}`, { detail: what, cause: error });
}

export async function createSubvolume(path: string): Promise<void> {
  ioctl(`subvolume create ${path}`, () => nativeAddon().createSubvolume(path));
}

export async function snapshotSubvolume(source: string, target: string, options: { readOnly: boolean }): Promise<void> {
  const what = `subvolume snapshot ${options.readOnly ? '-r ' : ''}${source} ${target}`;
  await ioctl(what, () => nativeAddon().snapshot(source, target, options.readOnly)).catch((error: unknown) => {
    throw failure(what, error);
  });
}

/** Delete a subvolume (not recursive: nested subvolumes are deleted first by the caller). */
export async function deleteSubvolume(path: string): Promise<void> {
  ioctl(`subvolume delete ${path}`, () => nativeAddon().deleteSubvolume(path));
}

export async function setReadOnly(path: string, readOnly: boolean): Promise<void> {
  ioctl(`property set ${path} ro ${readOnly}`, () => nativeAddon().setReadOnly(path, readOnly));
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

/** The file system's top level (subvolid 5) of `device` at `target` (mount(2)). */
export function mountTopLevel(device: string, target: string): void {
  ioctl(`mount -t btrfs -o subvolid=5 ${device} ${target}`, () => nativeAddon().mountTopLevel(device, target));
}

/** umount(2) of what mountTopLevel mounted. */
export function unmountTopLevel(target: string): void {
  ioctl(`umount ${target}`, () => nativeAddon().unmount(target));
}

/**
 * Whether the subvolume holding path changed in a transaction after `generation`, the running
 * one included (written but not yet committed counts). When it did not, filesWrittenSince
 * lists nothing: both search its tree from the next generation on.
 */
export function changedSince(path: string, generation: number): boolean {
  return ioctl(`subvolume changed since ${generation} ${path}`, () => nativeAddon().changedSince(path, generation));
}
