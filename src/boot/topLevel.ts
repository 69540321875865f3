/**
 * The Btrfs top level (subvolid 5) of a managed system, mounted for the moment the tool's GRUB
 * directory is read or written. A plain `mount` of the device would mount the default
 * snapshot instead (tried), hence subvolid=5.
 *
 * A transaction reads and writes there up to three times (pointer repair, the commit, the
 * menu): it holds one mount for its whole run (holdTopLevel), and withTopLevel uses a held
 * mount of the same system instead of making its own.
 */
import { rmdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { scratchDir } from './scratch.js';
import { mountTopLevel as mountTopLevelAt, unmountTopLevel } from '../btrfs/ioctl.js';
import { currentMounts } from '../util/mountinfo.js';
import type { System } from '../snapshots/system.js';

/**
 * The block device holding the system's root ("/dev/vda2[/@/…]" → "/dev/vda2"): the source
 * of the last mount at the root, or of the mount the root lies in, read from mountinfo.
 */
export async function rootDevice(system: Pick<System, 'root'>): Promise<string> {
  const root = resolve(system.root);
  const mounts = currentMounts();
  const at = (target: string) => mounts.filter((m) => m.target === target).at(-1);
  let dir = root;
  for (;;) {
    const mount = at(dir);
    if (mount) return mount.source;
    if (dir === '/') throw new Error(`no mount holds ${root}`);
    dir = resolve(dir, '..');
  }
}

const held = new Map<string, string>();

export async function withTopLevel<T>(system: Pick<System, 'root'>, action: (top: string) => Promise<T>): Promise<T> {
  const top = held.get(resolve(system.root));
  if (top !== undefined) return action(top);
  const mounted = await mountTopLevel(system);
  try {
    return await action(mounted.dir);
  } finally {
    await mounted.release();
  }
}

export interface HeldTopLevel {
  /** Unmounts (once); later withTopLevel calls mount their own again. */
  release(): Promise<void>;
}

/** Mount the top level until release(): every withTopLevel of this system meanwhile uses it. */
export async function holdTopLevel(system: Pick<System, 'root'>): Promise<HeldTopLevel> {
  const root = resolve(system.root);
  if (held.has(root)) return { release: async () => {} };
  const mounted = await mountTopLevel(system);
  held.set(root, mounted.dir);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      held.delete(root);
      await mounted.release();
    },
  };
}

async function mountTopLevel(system: Pick<System, 'root'>): Promise<{ dir: string; release(): Promise<void> }> {
  const device = await rootDevice(system);
  // The pid in the name lets the next run sweep it after a SIGKILL (src/transaction/scratch.ts).
  const dir = scratchDir(`tu-top-${process.pid}-`);
  try {
    mountTopLevelAt(device, dir);
  } catch (error) {
    rmdirSync(dir);
    throw error;
  }
  return {
    dir,
    async release() {
      try {
        unmountTopLevel(dir);
      } finally {
        rmdirSync(dir);
      }
    },
  };
}

