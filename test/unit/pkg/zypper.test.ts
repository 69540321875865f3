import { describe, expect, it } from 'vitest';
import type { PackageAction } from '../../../src/pkg/types.js';
import { zypperAdapter } from '../../../src/pkg/zypper.js';
import { recordedExits } from './fixtures.js';

const batch = { interactive: false };

describe('zypper commands', () => {
  it.each<[PackageAction, string[]]>([
    [{ kind: 'install', packages: ['nginx', 'perl(Foo)'] }, ['in', '--', 'nginx', 'perl(Foo)']],
    [{ kind: 'remove', packages: ['nginx'] }, ['rm', '--', 'nginx']],
    [{ kind: 'update', packages: ['nginx'] }, ['up', '--', 'nginx']],
    [{ kind: 'update', packages: [] }, ['up']],
    [{ kind: 'up' }, ['up']],
    [{ kind: 'dup' }, ['dup']],
  ])('%j: refresh first, --non-interactive as a global option', (action, rest) => {
    const commands = zypperAdapter.commands(action, batch);
    expect(commands.map((c) => c.argv)).toEqual([
      ['zypper', '--non-interactive', 'refresh'],
      ['zypper', '--non-interactive', ...rest],
    ]);
  });

  it('interactive: no --non-interactive', () => {
    expect(zypperAdapter.commands({ kind: 'up' }, { interactive: true }).map((c) => c.argv)).toEqual([
      ['zypper', 'refresh'],
      ['zypper', 'up'],
    ]);
  });
});

describe('zypper exit codes (zypper(8) EXIT CODES)', () => {
  const up: PackageAction = { kind: 'up' };
  const dup: PackageAction = { kind: 'dup' };
  const upCommand = zypperAdapter.commands(up, batch)[1]!;
  const dupCommand = zypperAdapter.commands(dup, batch)[1]!;

  it.each([
    [0, true],
    [1, false], [2, false], [3, false], [4, false], [5, false], [6, false], [7, false], [8, false],
    [100, false], [101, false],
    [102, true], [103, true],
    [104, false], [105, false],
    [106, true],
    [107, false],
    [42, false],
  ])('up: exit %i → ok %s', (code, ok) => {
    expect(zypperAdapter.interpretExit(up, upCommand, code).ok).toBe(ok);
  });

  it('102: success, and a reboot is needed', () => {
    expect(zypperAdapter.interpretExit(up, upCommand, 102)).toEqual({ ok: true, rebootNeeded: true });
  });

  it('103: success, and zypper must run again after updating itself', () => {
    expect(zypperAdapter.interpretExit(up, upCommand, 103)).toEqual({
      ok: true,
      message: 'zypper updated itself; run the update again to install the remaining updates',
    });
  });

  it('106 is a success for up but a failure for dup, for the refresh as for dup itself', () => {
    expect(zypperAdapter.interpretExit(up, upCommand, 106).ok).toBe(true);
    expect(zypperAdapter.interpretExit(up, upCommand, 106).message).toMatch(/failed to refresh/);
    expect(zypperAdapter.interpretExit(dup, dupCommand, 106)).toEqual({
      ok: false,
      message:
        'distribution upgrade: zypper exited with 106 (ZYPPER_EXIT_INF_REPOS_SKIPPED: some repositories failed to refresh, and dup needs all of them)',
    });
    const dupRefresh = zypperAdapter.commands(dup, batch)[0]!;
    expect(zypperAdapter.interpretExit(dup, dupRefresh, 106).ok).toBe(false);
  });

  it('107: a failed package script fails the transaction', () => {
    expect(zypperAdapter.interpretExit(up, upCommand, 107).message).toBe(
      'update the system: zypper exited with 107 (ZYPPER_EXIT_INF_RPM_SCRIPT_FAILED: a package script failed)',
    );
  });

  it.each(recordedExits('zypper'))('recorded from zypper: $situation → exit $exitCode', ({ situation, exitCode }) => {
    const action: PackageAction = { kind: 'install', packages: ['x'] };
    const command = zypperAdapter.commands(action, batch)[1]!;
    expect(zypperAdapter.interpretExit(action, command, exitCode).ok).toBe(situation.startsWith('success'));
  });
});
