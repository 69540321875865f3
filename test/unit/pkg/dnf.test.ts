import { describe, expect, it } from 'vitest';
import { dnfAdapter } from '../../../src/pkg/dnf.js';
import type { PackageAction } from '../../../src/pkg/types.js';
import { recordedExits } from './fixtures.js';

describe('dnf commands', () => {
  it.each<[PackageAction, string[]]>([
    [{ kind: 'install', packages: ['nginx', '/run/tu/x-1.0-1.noarch.rpm'] }, ['install', '--', 'nginx', '/run/tu/x-1.0-1.noarch.rpm']],
    [{ kind: 'remove', packages: ['nginx'] }, ['remove', '--', 'nginx']],
    [{ kind: 'update', packages: ['nginx'] }, ['upgrade', '--', 'nginx']],
    [{ kind: 'update', packages: [] }, ['upgrade']],
    [{ kind: 'up' }, ['upgrade']],
    [{ kind: 'dup' }, ['distro-sync']],
  ])('%j: makecache first, -y when non-interactive', (action, rest) => {
    expect(dnfAdapter.commands(action, { interactive: false }).map((c) => c.argv)).toEqual([
      ['dnf', '-y', 'makecache'],
      ['dnf', '-y', ...rest],
    ]);
    expect(dnfAdapter.commands(action, { interactive: true }).map((c) => c.argv)).toEqual([
      ['dnf', 'makecache'],
      ['dnf', ...rest],
    ]);
  });
});

describe('dnf exit codes (dnf(8) Return values)', () => {
  const action: PackageAction = { kind: 'up' };
  const command = dnfAdapter.commands(action, { interactive: false })[1]!;

  it.each([
    [0, true], [1, false], [2, false], [3, false], [100, false], [200, false],
  ])('exit %i → ok %s', (code, ok) => {
    expect(dnfAdapter.interpretExit(action, command, code).ok).toBe(ok);
  });

  it('200 names the lock problem', () => {
    expect(dnfAdapter.interpretExit(action, command, 200).message).toBe(
      'update the system: dnf exited with 200 (a problem acquiring or releasing its locks)',
    );
  });

  it.each(recordedExits('dnf'))('recorded from dnf: $situation → exit $exitCode', ({ situation, exitCode }) => {
    expect(dnfAdapter.interpretExit(action, command, exitCode).ok).toBe(situation.startsWith('success'));
  });
});
