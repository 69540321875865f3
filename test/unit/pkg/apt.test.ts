import { describe, expect, it } from 'vitest';
import { aptAdapter } from '../../../src/pkg/apt.js';
import type { PackageAction } from '../../../src/pkg/types.js';
import { recordedExits } from './fixtures.js';

const batch = { interactive: false };
const tty = { interactive: true };
const quiet = ['-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

describe('apt commands', () => {
  it.each<[PackageAction, string[]]>([
    [{ kind: 'install', packages: ['nginx', 'libc6:i386'] }, ['install', '--', 'nginx', 'libc6:i386']],
    [{ kind: 'remove', packages: ['nginx'] }, ['remove', '--', 'nginx']],
    [{ kind: 'update', packages: ['nginx'] }, ['install', '--only-upgrade', '--', 'nginx']],
    [{ kind: 'update', packages: [] }, ['upgrade', '--with-new-pkgs']],
    [{ kind: 'up' }, ['upgrade', '--with-new-pkgs']],
    [{ kind: 'dup' }, ['dist-upgrade']],
  ])('%j non-interactive: refresh, then apt-get -y with confdef/confold', (action, rest) => {
    const commands = aptAdapter.commands(action, batch);
    expect(commands).toHaveLength(2);
    expect(commands[0]!.argv.slice(0, 2)).toEqual(['apt-get', 'update']);
    expect(commands[0]!.label).toBe('refresh package lists');
    expect(commands[1]!.argv).toEqual(['apt-get', ...quiet, ...rest]);
    for (const command of commands) {
      expect(command.env).toEqual({ DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none', NEEDRESTART_SUSPEND: '1' });
    }
  });

  it('interactive: no -y, no forced conffile answers, the default frontend', () => {
    const commands = aptAdapter.commands({ kind: 'install', packages: ['nginx'] }, tty);
    expect(commands.map((c) => c.argv)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '--', 'nginx'],
    ]);
    for (const command of commands) expect(command.env).toEqual({ NEEDRESTART_SUSPEND: '1' });
  });

  it('dup refreshes strictly: a failed list download fails it', () => {
    expect(aptAdapter.commands({ kind: 'dup' }, batch)[0]!.argv).toEqual(['apt-get', 'update', '--error-on=any']);
    expect(aptAdapter.commands({ kind: 'up' }, batch)[0]!.argv).toEqual(['apt-get', 'update']);
  });

  it('never asks for phased updates to be forced', () => {
    const all = aptAdapter.commands({ kind: 'dup' }, batch).flatMap((c) => c.argv).join(' ');
    expect(all).not.toContain('Phased');
  });
});

describe('apt exit codes', () => {
  const action: PackageAction = { kind: 'install', packages: ['hello'] };
  const command = aptAdapter.commands(action, batch)[1]!;

  it.each(recordedExits('apt'))('recorded: $situation → exit $exitCode', ({ situation, exitCode }) => {
    expect(aptAdapter.interpretExit(action, command, exitCode).ok).toBe(situation.startsWith('success'));
  });

  it('100 is a failure with one line naming the step', () => {
    expect(aptAdapter.interpretExit(action, command, 100)).toEqual({
      ok: false,
      message: 'install packages: apt-get exited with 100 (an error, see its output above)',
    });
  });

  it('0 is success with nothing to say', () => {
    expect(aptAdapter.interpretExit(action, command, 0)).toEqual({ ok: true });
  });
});
