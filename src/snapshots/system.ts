/**
 * A managed system: the root directory (/ or --root), its snapshot store, which snapshot is
 * booted (mounted at the root) and which boots next (the btrfs default subvolume).
 */
import { escapeControl } from '../util/escape.js';
import { existsSync, statSync } from 'node:fs';
import { currentMounts, type MountEntry } from '../util/mountinfo.js';
import { join, resolve } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { SnapshotStore } from './store.js';

export interface System {
  root: string;
  store: SnapshotStore;
  /** /var/lib/transactional-update of this system: state that never rolls back. */
  stateDir: string;
  /** Top-level path of the snapshot directory, e.g. "@/.snapshots". */
  snapshotsFsPath: string;
  booted: number | undefined;
}


/** The mount at exactly `path` (the last one wins when mounts are stacked). */
export async function findMount(path: string): Promise<MountEntry | undefined> {
  return currentMounts().filter((m) => m.target === path).at(-1);
}

/** "@/.snapshots/12/snapshot" (with or without a leading "/") → 12. */
export function snapshotNumberFromPath(path: string, snapshotsFsPath: string): number | undefined {
  const clean = path.replace(/^\/+/, '');
  const prefix = snapshotsFsPath.replace(/^\/+/, '');
  const m = /^(\d+)\/snapshot$/.exec(clean.startsWith(`${prefix}/`) ? clean.slice(prefix.length + 1) : '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The snapshot mounted at `root` and the snapshot directory's path in the file system, from
 * mountinfo (pure): the running snapshot is what is mounted, also after a soft-reboot, when the
 * kernel's command line still names the snapshot the kernel booted.
 */
export function mountedSnapshot(mounts: readonly MountEntry[], root: string): { booted: number | undefined; snapshotsFsPath: string } | undefined {
  const at = (path: string) => mounts.filter((m) => m.target === path).at(-1);
  const rootMount = at(root);
  const snapshotsMount = at(join(root, '.snapshots'));
  if (!rootMount || !snapshotsMount) return undefined;
  const snapshotsFsPath = snapshotsMount.fsroot.replace(/^\/+/, '');
  return { booted: snapshotNumberFromPath(rootMount.fsroot, snapshotsFsPath), snapshotsFsPath };
}

export async function openSystem(rootArg: string): Promise<System> {
  const root = resolve(rootArg);
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError('transactional-update must run as root', { hint: 'run it with sudo' });
  }
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new EnvironmentError(`${root} is not a directory`);
  }
  const rootMount = await findMount(root);
  if (!rootMount) throw new EnvironmentError(`${escapeControl(root)} is not a mount point`, { hint: "mount the system first with 'transactional-update image mount'" });
  if (rootMount.fstype === 'overlay') {
    throw new EnvironmentError(`the root ${root} is an overlay file system; snapshots need Btrfs`);
  }
  if (rootMount.fstype !== 'btrfs') {
    throw new EnvironmentError(`the root ${root} is ${rootMount.fstype}, not Btrfs`, {
      hint: "transactional-update needs a Btrfs root (try 'transactional-update image create')",
    });
  }
  const snapshotsDir = join(root, '.snapshots');
  const snapshotsMount = await findMount(snapshotsDir);
  if (!snapshotsMount || snapshotsMount.fstype !== 'btrfs') {
    throw new EnvironmentError(`${snapshotsDir} is not mounted`, { hint: 'mount it as its fstab says' });
  }
  const { booted, snapshotsFsPath } = mountedSnapshot([rootMount, snapshotsMount], root)!;
  return {
    root,
    store: new SnapshotStore(snapshotsDir),
    stateDir: join(root, 'var', 'lib', 'transactional-update'),
    snapshotsFsPath,
    booted,
  };
}

/** The snapshot that boots next according to the btrfs default subvolume. */
export async function defaultSnapshot(system: System): Promise<number | undefined> {
  // The addon's calls alone: the btrfs module would load the subprocess layer, which costs a
  // listing's start more than its own work.
  const btrfs = await import('../btrfs/ioctl.js');
  const def = await btrfs.getDefault(system.root);
  return snapshotNumberFromPath(def.path, system.snapshotsFsPath);
}

export async function setDefaultSnapshot(system: System, number: number): Promise<void> {
  const btrfs = await import('../btrfs/ioctl.js');
  await btrfs.setDefault(system.store.paths(number).snapshot);
}
