import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { pacmanAdapter } from '../../../src/pkg/pacman.js';
import type { PackageAction } from '../../../src/pkg/types.js';
import { recordedExits } from './fixtures.js';

const batch = { interactive: false };

describe('pacman commands', () => {
  it('install: a full -Syu first (no partial upgrades), then -S --needed', () => {
    expect(pacmanAdapter.commands({ kind: 'install', packages: ['nginx', 'vim'] }, batch).map((c) => c.argv)).toEqual([
      ['pacman', '-Syu', '--noconfirm'],
      ['pacman', '-S', '--noconfirm', '--needed', '--', 'nginx', 'vim'],
    ]);
  });

  it('install of local package files goes through -U', () => {
    const files = ['/run/tu/x-1.0-1-any.pkg.tar.zst'];
    expect(pacmanAdapter.commands({ kind: 'install', packages: ['vim', ...files] }, batch).map((c) => c.argv)).toEqual([
      ['pacman', '-Syu', '--noconfirm'],
      ['pacman', '-S', '--noconfirm', '--needed', '--', 'vim'],
      ['pacman', '-U', '--noconfirm', '--', ...files],
    ]);
  });

  it('remove: -Rs, without a refresh that would leave a partial-upgrade state', () => {
    expect(pacmanAdapter.commands({ kind: 'remove', packages: ['nginx'] }, batch).map((c) => c.argv)).toEqual([
      ['pacman', '-Rs', '--noconfirm', '--', 'nginx'],
    ]);
  });

  it('up and update: -Syu; dup: -Syuu (downgrades to the repositories too)', () => {
    expect(pacmanAdapter.commands({ kind: 'up' }, batch).map((c) => c.argv)).toEqual([['pacman', '-Syu', '--noconfirm']]);
    expect(pacmanAdapter.commands({ kind: 'update', packages: [] }, batch).map((c) => c.argv)).toEqual([['pacman', '-Syu', '--noconfirm']]);
    expect(pacmanAdapter.commands({ kind: 'dup' }, batch).map((c) => c.argv)).toEqual([['pacman', '-Syuu', '--noconfirm']]);
  });

  it('interactive: no --noconfirm', () => {
    expect(pacmanAdapter.commands({ kind: 'up' }, { interactive: true }).map((c) => c.argv)).toEqual([['pacman', '-Syu']]);
  });

  it('refuses to update single packages (a partial upgrade) with a usage error', () => {
    const attempt = () => pacmanAdapter.commands({ kind: 'update', packages: ['nginx'] }, batch);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('pacman cannot update single packages: Arch Linux does not support partial upgrades');
  });
});

describe('pacman exit codes', () => {
  const action: PackageAction = { kind: 'up' };
  const command = pacmanAdapter.commands(action, batch)[0]!;

  it.each([[0, true], [1, false], [255, false]])('exit %i → ok %s', (code, ok) => {
    expect(pacmanAdapter.interpretExit(action, command, code).ok).toBe(ok);
  });

  it.each(recordedExits('pacman'))('recorded from pacman: $situation → exit $exitCode', ({ situation, exitCode }) => {
    expect(pacmanAdapter.interpretExit(action, command, exitCode).ok).toBe(situation.startsWith('success'));
  });
});
