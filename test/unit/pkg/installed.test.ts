import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TuError } from '../../../src/errors.js';
import { findPackageDatabase, readInstalledPackages } from '../../../src/pkg/installed.js';
import { fixturePath } from './fixtures.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function emptyRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'tu-installed-'));
  roots.push(root);
  return root;
}

function withDpkgStatus(root: string, dir: string): void {
  mkdirSync(join(root, dir), { recursive: true });
  cpSync(fixturePath('dpkg/status'), join(root, dir, 'status'));
}

describe('findPackageDatabase', () => {
  it('reads dpkg state from usr/lib/sysimage/dpkg', () => {
    const root = emptyRoot();
    withDpkgStatus(root, 'usr/lib/sysimage/dpkg');
    expect(findPackageDatabase(root)).toEqual({ kind: 'dpkg', statusFile: 'usr/lib/sysimage/dpkg/status' });
  });

  it('ignores var/lib/dpkg when it is our symlink (it leads into the booted system through a mounted root)', () => {
    const root = emptyRoot();
    mkdirSync(join(root, 'var/lib'), { recursive: true });
    symlinkSync('/var/lib/dpkg', join(root, 'var/lib/dpkg'));
    expect(findPackageDatabase(root)).toBeUndefined();
  });

  it('falls back to a real var/lib/dpkg directory (a system not converted yet)', () => {
    const root = emptyRoot();
    withDpkgStatus(root, 'var/lib/dpkg');
    expect(findPackageDatabase(root)).toEqual({ kind: 'dpkg', statusFile: 'var/lib/dpkg/status' });
  });

  it('finds rpm under usr/lib/sysimage/rpm with an absolute dbpath for rpm --dbpath', () => {
    const root = emptyRoot();
    mkdirSync(join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    expect(findPackageDatabase(root)).toEqual({ kind: 'rpm', dbPath: '/usr/lib/sysimage/rpm' });
  });

  it('finds pacman under usr/lib/sysimage/pacman first, then var/lib/pacman', () => {
    const root = emptyRoot();
    mkdirSync(join(root, 'var/lib/pacman/local'), { recursive: true });
    expect(findPackageDatabase(root)).toEqual({ kind: 'pacman', localDir: 'var/lib/pacman/local' });
    mkdirSync(join(root, 'usr/lib/sysimage/pacman/local'), { recursive: true });
    expect(findPackageDatabase(root)).toEqual({ kind: 'pacman', localDir: 'usr/lib/sysimage/pacman/local' });
  });
});

describe('readInstalledPackages', () => {
  it('reads a dpkg root, sorted by name and arch', async () => {
    const root = emptyRoot();
    withDpkgStatus(root, 'usr/lib/sysimage/dpkg');
    const packages = await readInstalledPackages(root);
    expect(packages.length).toBeGreaterThan(45);
    const multi = packages.filter((p) => p.name === 'tu-multi').map((p) => p.arch);
    expect(multi).toEqual(['amd64', 'i386']);
    const names = packages.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('reads a pacman root', async () => {
    const root = emptyRoot();
    cpSync(fixturePath('pacman/root/var/lib/pacman/local'), join(root, 'usr/lib/sysimage/pacman/local'), { recursive: true });
    expect((await readInstalledPackages(root)).map((p) => `${p.name} ${p.version}`)).toEqual([
      'tu-dotrel 2.1.r15.gabc1234-1.1',
      'tu-epoch 2:0.5-3',
      'tu-hello 1.0-1',
    ]);
  });

  it('throws a TuError for a root without a package database', async () => {
    await expect(readInstalledPackages(emptyRoot())).rejects.toThrow(TuError);
    await expect(readInstalledPackages(emptyRoot())).rejects.toThrow(/^no package database found in /);
  });
});
