import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TuError } from '../../../src/errors.js';
import { adapterFor, detectPackageManager } from '../../../src/pkg/detect.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function rootWith(...files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'tu-detect-'));
  roots.push(root);
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  return root;
}

describe('detectPackageManager', () => {
  it.each([
    ['usr/bin/apt-get', 'apt'],
    ['usr/bin/zypper', 'zypper'],
    ['usr/bin/dnf', 'dnf'],
    ['usr/bin/pacman', 'pacman'],
  ])('%s → %s', (file, name) => {
    expect(detectPackageManager(rootWith(file)).name).toBe(name);
  });

  it('prefers apt on a Debian system that also has zypper and dnf installed', () => {
    expect(detectPackageManager(rootWith('usr/bin/dnf', 'usr/bin/zypper', 'usr/bin/apt-get')).name).toBe('apt');
  });

  it('prefers zypper over dnf on openSUSE', () => {
    expect(detectPackageManager(rootWith('usr/bin/dnf', 'usr/bin/zypper')).name).toBe('zypper');
  });

  it('counts a symlinked program without following it (Fedora: dnf -> dnf-3; absolute links point into the host)', () => {
    const root = rootWith('usr/bin/.keep');
    symlinkSync('/nonexistent/dnf-3', join(root, 'usr/bin/dnf'));
    expect(detectPackageManager(root).name).toBe('dnf');
  });

  it('does not look through a symlinked usr/bin into the host', () => {
    const root = rootWith('usr/.keep');
    symlinkSync('/usr/bin', join(root, 'usr/bin'));
    expect(() => detectPackageManager(root)).toThrow(TuError);
  });

  it('throws one line naming the root, control characters escaped', () => {
    const root = rootWith();
    const odd = join(root, 'snap\nshot');
    mkdirSync(odd);
    expect(() => detectPackageManager(odd)).toThrow(`no supported package manager found in ${root}/snap\\nshot`);
  });
});

describe('adapterFor', () => {
  it('finds each adapter by name', () => {
    for (const name of ['apt', 'zypper', 'dnf', 'pacman'] as const) expect(adapterFor(name).name).toBe(name);
  });
});
