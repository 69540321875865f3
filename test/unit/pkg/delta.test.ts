import { describe, expect, it } from 'vitest';
import { compareFor, packageDelta } from '../../../src/pkg/delta.js';
import { parseDpkgStatus } from '../../../src/pkg/readers/dpkgStatus.js';
import { parseRpmQuery } from '../../../src/pkg/readers/rpmdb.js';
import { compareDebVersions } from '../../../src/pkg/version/deb.js';
import { comparePacmanVersions } from '../../../src/pkg/version/pacman.js';
import { compareRpmVersions } from '../../../src/pkg/version/rpm.js';
import { readFixture } from './fixtures.js';

// before/after: status files written by the real dpkg around real upgrades, a downgrade, a
// purge, an install, a second Multi-Arch architecture and an all → amd64 move
// (fixtures/pkg/generate/dpkg-status.sh).
const before = parseDpkgStatus(readFixture('dpkg/delta/before.status'));
const after = parseDpkgStatus(readFixture('dpkg/delta/after.status'));

describe('packageDelta on real dpkg before/after states', () => {
  const delta = packageDelta(before, after, compareDebVersions);

  it('lists every change, sorted by name, and nothing for the unchanged package', () => {
    expect(delta).toEqual([
      { name: 'tu-arch', arch: 'amd64', from: '1.0-1', to: '1.1-1', change: 'upgraded' },
      { name: 'tu-down', arch: 'all', from: '2.0-1', to: '1.9-1', change: 'downgraded' },
      { name: 'tu-epoch', arch: 'amd64', from: '2.0-1', to: '1:0.1-1', change: 'upgraded' },
      { name: 'tu-gone', arch: 'amd64', from: '1.0-1', to: null, change: 'removed' },
      { name: 'tu-ma', arch: 'i386', from: null, to: '1.0-1', change: 'installed' },
      { name: 'tu-new', arch: 'all', from: null, to: '0.1-1', change: 'installed' },
      { name: 'tu-up', arch: 'amd64', from: '1.0-1', to: '1.1-1', change: 'upgraded' },
    ]);
  });

  it('is empty between a set and itself, and mirrored when reversed', () => {
    expect(packageDelta(after, after, compareDebVersions)).toEqual([]);
    const reversed = packageDelta(after, before, compareDebVersions);
    expect(reversed.find((c) => c.name === 'tu-down')?.change).toBe('upgraded');
    expect(reversed.find((c) => c.name === 'tu-gone')?.change).toBe('installed');
    expect(reversed.find((c) => c.name === 'tu-ma')).toEqual({ name: 'tu-ma', arch: 'i386', from: '1.0-1', to: null, change: 'removed' });
  });
});

describe('packageDelta with several versions of one package (rpm install-only, recorded rpm -qa)', () => {
  const recorded = parseRpmQuery(readFixture('rpm/rpm-qa.txt')).filter((p) => p.name.startsWith('tu-'));
  const oneKernel = recorded.filter((p) => p.version !== '6.2.0~rc1-1');

  it('reports the new kernel as installed, not as an upgrade of the one that stays', () => {
    expect(packageDelta(oneKernel, recorded, compareRpmVersions)).toEqual([
      { name: 'tu-kernel', arch: 'x86_64', from: null, to: '6.2.0~rc1-1', change: 'installed' },
    ]);
  });

  it('reports a kernel that left as removed', () => {
    expect(packageDelta(recorded, oneKernel, compareRpmVersions)).toEqual([
      { name: 'tu-kernel', arch: 'x86_64', from: '6.2.0~rc1-1', to: null, change: 'removed' },
    ]);
  });
});

describe('compareFor', () => {
  it('gives each manager its own ordering', () => {
    expect(compareFor('apt')).toBe(compareDebVersions);
    expect(compareFor('dpkg')).toBe(compareDebVersions);
    expect(compareFor('zypper')).toBe(compareRpmVersions);
    expect(compareFor('dnf')).toBe(compareRpmVersions);
    expect(compareFor('rpm')).toBe(compareRpmVersions);
    expect(compareFor('pacman')).toBe(comparePacmanVersions);
  });
});
