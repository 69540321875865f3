/**
 * What changed between two installed-package sets: installed, removed, upgraded, downgraded.
 * Packages are keyed by name and architecture (Multi-Arch: libfoo:amd64 and libfoo:i386 are
 * two packages). Two cases need more than a key match:
 * - several versions of one name and arch at once (rpm's install-only packages such as
 *   kernels, gpg-pubkey): each version that appeared is installed, each that left removed —
 *   pairing them as "upgraded" would name a version that was never replaced;
 * - a package that changed architecture between a native arch and all/noarch/any (Debian
 *   does this): one removed and one installed of the same name become one upgrade or
 *   downgrade, reported with the new architecture.
 */
import type { PackageChange } from '../manifest/types.js';
import { compareDebVersions } from './version/deb.js';
import { comparePacmanVersions } from './version/pacman.js';
import { compareRpmVersions } from './version/rpm.js';
import type { InstalledPackage, PackageManagerName } from './types.js';

export type VersionCompare = (a: string, b: string) => number;

/** The version order of a package manager, or of a package database kind. */
export function compareFor(name: PackageManagerName | 'dpkg' | 'rpm'): VersionCompare {
  switch (name) {
    case 'apt':
    case 'dpkg':
      return compareDebVersions;
    case 'zypper':
    case 'dnf':
    case 'rpm':
      return compareRpmVersions;
    case 'pacman':
      return comparePacmanVersions;
  }
}

const codePointOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function groupByKey(packages: InstalledPackage[]): Map<string, { name: string; arch: string; versions: string[] }> {
  const groups = new Map<string, { name: string; arch: string; versions: string[] }>();
  for (const pkg of packages) {
    const key = `${pkg.name}\u0000${pkg.arch}`;
    const group = groups.get(key) ?? { name: pkg.name, arch: pkg.arch, versions: [] };
    if (!group.versions.includes(pkg.version)) group.versions.push(pkg.version);
    groups.set(key, group);
  }
  return groups;
}

function versionChange(name: string, arch: string, from: string, to: string, compare: VersionCompare): PackageChange | undefined {
  const order = compare(to, from);
  if (order === 0) return undefined;
  return { name, arch, from, to, change: order > 0 ? 'upgraded' : 'downgraded' };
}

/** Merge a lone removal and a lone installation of one name (an architecture change) into one change. */
function mergeArchitectureChanges(changes: PackageChange[], compare: VersionCompare): PackageChange[] {
  const byName = new Map<string, PackageChange[]>();
  for (const change of changes) byName.set(change.name, [...(byName.get(change.name) ?? []), change]);
  const result: PackageChange[] = [];
  for (const group of byName.values()) {
    const removed = group.filter((c) => c.change === 'removed');
    const installed = group.filter((c) => c.change === 'installed');
    if (group.length === 2 && removed.length === 1 && installed.length === 1) {
      const merged = versionChange(installed[0]!.name, installed[0]!.arch, removed[0]!.from!, installed[0]!.to!, compare);
      if (merged) {
        result.push(merged);
        continue;
      }
    }
    result.push(...group);
  }
  return result;
}

export function packageDelta(before: InstalledPackage[], after: InstalledPackage[], compare: VersionCompare): PackageChange[] {
  const old = groupByKey(before);
  const now = groupByKey(after);
  const changes: PackageChange[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const { name, arch } = (old.get(key) ?? now.get(key))!;
    const from = old.get(key)?.versions ?? [];
    const to = now.get(key)?.versions ?? [];
    if (from.length <= 1 && to.length <= 1) {
      if (from[0] !== undefined && to[0] !== undefined) {
        const change = versionChange(name, arch, from[0], to[0], compare);
        if (change) changes.push(change);
      } else if (from[0] !== undefined) {
        changes.push({ name, arch, from: from[0], to: null, change: 'removed' });
      } else if (to[0] !== undefined) {
        changes.push({ name, arch, from: null, to: to[0], change: 'installed' });
      }
      continue;
    }
    for (const version of from) if (!to.includes(version)) changes.push({ name, arch, from: version, to: null, change: 'removed' });
    for (const version of to) if (!from.includes(version)) changes.push({ name, arch, from: null, to: version, change: 'installed' });
  }
  return mergeArchitectureChanges(changes, compare).sort(
    (a, b) => codePointOrder(a.name, b.name) || codePointOrder(a.arch, b.arch) || compare(a.from ?? a.to!, b.from ?? b.to!),
  );
}
