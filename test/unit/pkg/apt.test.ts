import { describe, expect, it } from 'vitest';
import { RepositoryUnsigned } from '../../../src/errors.js';
import { aptAdapter, readRepositoryRefusals } from '../../../src/pkg/apt.js';
import type { PackageAction } from '../../../src/pkg/types.js';
import { readFixture, recordedExits } from './fixtures.js';

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

/** apt-get update's stderr and exit code, recorded by fixtures/pkg/generate/apt-refusals.sh. */
function recordedUpdate(suite: string, situation: string): { stderr: string; exitCode: number } {
  return {
    stderr: readFixture(`apt/${suite}-${situation}.stderr`),
    exitCode: Number(readFixture(`apt/${suite}-${situation}.exit`).trim()),
  };
}

describe('apt refusing a repository (recorded from apt 2.6 with gpgv and apt 3.0 with sqv)', () => {
  const action: PackageAction = { kind: 'install', packages: ['tu-hello'] };
  const refresh = aptAdapter.commands(action, batch)[0]!;

  it.each([
    ['bookworm', 'unsigned', 'unsigned'],
    ['trixie', 'unsigned', 'unsigned'],
    ['bookworm', 'unknown-key', 'unknown-key'],
    ['trixie', 'unknown-key', 'unknown-key'],
    ['bookworm', 'bad-signature', 'bad-signature'],
    ['trixie', 'bad-signature', 'bad-signature'],
    // The chroot's /tmp of old (0755): apt's _apt user could not write its temporary files.
    ['bookworm', 'tmp-0755', 'unverified'],
    ['trixie', 'tmp-0755', 'unverified'],
  ])('%s, %s: refused as %s', (suite, situation, reason) => {
    const { stderr, exitCode } = recordedUpdate(suite, situation);
    expect(exitCode).toBe(100);
    const refusals = readRepositoryRefusals(stderr);
    expect(refusals.map((r) => [r.repository, r.reason])).toEqual([['file:/srv/tu-repo ./', reason]]);
    const verdict = aptAdapter.interpretExit(action, refresh, exitCode, stderr);
    expect(verdict.ok).toBe(false);
    expect(verdict.error?.('nothing was changed')).toBeInstanceOf(RepositoryUnsigned);
  });

  it.each(['bookworm', 'trixie'])('%s, signed with the known key: accepted, nothing on stderr', (suite) => {
    const { stderr, exitCode } = recordedUpdate(suite, 'signed');
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(aptAdapter.interpretExit(action, refresh, exitCode, stderr)).toEqual({ ok: true });
  });

  it('says in one line which repository, why, what became of the snapshot, and what to do', () => {
    const { stderr, exitCode } = recordedUpdate('trixie', 'unsigned');
    const error = aptAdapter.interpretExit(action, refresh, exitCode, stderr).error!('nothing was changed');
    expect(error.name).toBe('RepositoryUnsigned');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('the repository file:/srv/tu-repo ./ is not signed; apt refuses to use it; nothing was changed');
    expect(error.hint).toBe('add its key under /etc/apt/keyrings and name that file with Signed-By in its sources entry; see apt-secure(8)');
    expect(`${error.message} (${error.hint})`).not.toContain('\n');
  });

  it('names the key apt does not know and keeps apt\'s words for --verbose', () => {
    const { stderr } = recordedUpdate('bookworm', 'unknown-key');
    const error = aptAdapter.interpretExit(action, refresh, 100, stderr).error!('snapshot 2 kept, marked failed');
    expect(error.message).toBe(
      'the repository file:/srv/tu-repo ./ is signed with a key apt does not know; apt refuses to use it; snapshot 2 kept, marked failed',
    );
    expect(error.detail).toMatch(/^file:\/srv\/tu-repo \.\/: The following signatures couldn't be verified .*NO_PUBKEY [0-9A-F]{16}$/);
  });

  it('a bad signature points at the mirror, not at a missing key', () => {
    const { stderr } = recordedUpdate('trixie', 'bad-signature');
    const error = aptAdapter.interpretExit(action, refresh, 100, stderr).error!('nothing was changed');
    expect(error.message).toBe('the repository file:/srv/tu-repo ./ has a bad signature; apt refuses to use it; nothing was changed');
    expect(error.hint).toMatch(/^its InRelease does not match its signature/);
  });

  it('every refused repository is named, and control characters in apt\'s output are escaped', () => {
    const stderr = [
      recordedUpdate('bookworm', 'unsigned').stderr.trim(),
      recordedUpdate('bookworm', 'unknown-key').stderr.trim().replaceAll('file:/srv/tu-repo', 'file:/srv/other\x1b[2J'),
    ].join('\n');
    const refusals = readRepositoryRefusals(stderr);
    expect(refusals.map((r) => [r.repository, r.reason])).toEqual([
      ['file:/srv/tu-repo ./', 'unsigned'],
      ['file:/srv/other\\x1b[2J ./', 'unknown-key'],
    ]);
    const error = new RepositoryUnsigned(refusals, 'nothing was changed');
    expect(error.message).toBe(
      'the repository file:/srv/tu-repo ./ is not signed (and 1 more: file:/srv/other\\x1b[2J ./); apt refuses to use it; nothing was changed',
    );
  });

  it('other failures keep the generic line, also with output on stderr', () => {
    const output = recordedExits('apt').find((e) => e.situation === 'unknown-package')!.output;
    const verdict = aptAdapter.interpretExit(action, aptAdapter.commands(action, batch)[1]!, 100, output);
    expect(verdict).toEqual({ ok: false, message: 'install packages: apt-get exited with 100 (an error, see its output above)' });
  });
});
