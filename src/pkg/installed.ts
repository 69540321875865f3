/**
 * The installed-package set of a snapshot, read straight from its directory (no chroot).
 * Package state lives under <snapshot>/usr/lib/sysimage/… (docs/architecture.md "On-disk layout");
 * the classic /var/lib places count only where they are real directories — in our
 * snapshots var/ is an empty mount point, and /var/lib/dpkg a symlink into /usr.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TuError } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { parseDpkgStatus } from './readers/dpkgStatus.js';
import { readPacmanLocal } from './readers/pacmanLocal.js';
import { readRpmDatabase } from './readers/rpmdb.js';
import { isRealDirectory, isRegularFile } from './rootPath.js';
import type { InstalledPackage } from './types.js';

export type PackageDatabase =
  | { kind: 'dpkg'; statusFile: string }
  | { kind: 'rpm'; dbPath: string }
  | { kind: 'pacman'; localDir: string };

/** Where the root's package database is, relative to the root; undefined when it has none. */
export function findPackageDatabase(root: string): PackageDatabase | undefined {
  for (const dir of ['usr/lib/sysimage/dpkg', 'var/lib/dpkg']) {
    if (isRealDirectory(root, dir) && isRegularFile(root, `${dir}/status`)) return { kind: 'dpkg', statusFile: `${dir}/status` };
  }
  for (const dir of ['usr/lib/sysimage/rpm', 'var/lib/rpm']) {
    if (isRealDirectory(root, dir)) return { kind: 'rpm', dbPath: `/${dir}` };
  }
  for (const dir of ['usr/lib/sysimage/pacman/local', 'var/lib/pacman/local']) {
    if (isRealDirectory(root, dir)) return { kind: 'pacman', localDir: dir };
  }
  return undefined;
}

const codePointOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byNameArchVersion(a: InstalledPackage, b: InstalledPackage): number {
  return codePointOrder(a.name, b.name) || codePointOrder(a.arch, b.arch) || codePointOrder(a.version, b.version);
}

export async function readInstalledPackagesFrom(root: string, database: PackageDatabase): Promise<InstalledPackage[]> {
  let packages: InstalledPackage[];
  switch (database.kind) {
    case 'dpkg':
      packages = parseDpkgStatus(await readFile(join(root, database.statusFile), 'utf8'));
      break;
    case 'rpm':
      packages = await readRpmDatabase(root, database.dbPath);
      break;
    case 'pacman':
      packages = await readPacmanLocal(join(root, database.localDir));
      break;
  }
  return packages.sort(byNameArchVersion);
}

/** The packages installed in the snapshot at snapshotRoot, sorted by name, arch and version. */
export async function readInstalledPackages(snapshotRoot: string): Promise<InstalledPackage[]> {
  const database = findPackageDatabase(snapshotRoot);
  if (!database) {
    throw new TuError(`no package database found in ${escapeControl(snapshotRoot)}`, {
      hint: 'looked for usr/lib/sysimage/dpkg/status, usr/lib/sysimage/rpm and usr/lib/sysimage/pacman/local',
    });
  }
  return readInstalledPackagesFrom(snapshotRoot, database);
}
