/**
 * Signed repositories in a real transaction: the chroot's /tmp and /run are what Debian has,
 * apt downloads and verifies as its unprivileged _apt user there, a bad signature or an
 * unsigned repository is refused in one line naming the rule (RepositoryUnsigned), and
 * nothing changes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pointAptAtLocalRepo, scanRepo } from '../../support/repo.js';
import { requireRootAndLoop } from '../../support/requirements.js';
import { withTestSystem, type TestSystem } from '../../support/system.js';
import { defaultNumber, dpkgInstalled, mountsBelow, snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop(['apt-ftparchive', 'gpg']);

/** The last line of stderr: the tool's own one line after apt's output. */
function lastLine(stderr: string): string {
  return stderr.trim().split('\n').at(-1) ?? '';
}

async function expectNothingChanged(sys: TestSystem, snapshots: number[], next: number): Promise<void> {
  expect(snapshotNumbers(sys.root)).toEqual(snapshots);
  expect(await defaultNumber(sys.root)).toBe(next);
  expect(await mountsBelow(join(sys.root, '.snapshots'))).toEqual([join(sys.root, '.snapshots')]);
}

// Run inside a transaction's chroot. apt-get update downloads and verifies the signed
// repository; with /tmp taken from everyone but root it must fail, which only happens when
// the verification runs as another user than root.
const SANDBOX_PROBE = [
  'stat -c "%n %a %U" /tmp /run /run/lock',
  'eval "$(apt-config shell SANDBOX APT::Sandbox::User)"',
  'echo "sandbox user: $SANDBOX"',
  'chmod 0755 /tmp',
  'if apt-get update >/dev/null 2>/tmp/root-only.err; then echo "update with /tmp 0755: passed"; else echo "update with /tmp 0755: failed"; fi',
  'grep -h "^W:" /tmp/root-only.err || true',
  'chmod 1777 /tmp',
  'if apt-get update >/dev/null 2>/tmp/everyone.err; then echo "update with /tmp 1777: passed"; else echo "update with /tmp 1777: failed"; fi',
  'cat /tmp/everyone.err',
].join('\n');

describe.skipIf(skip)('signed repositories in a transaction', () => {
  it('apt downloads and verifies as _apt in the chroot, whose /tmp and /run/lock are 1777 and /run 0755', async () => {
    await withTestSystem(async (sys) => {
      const probe = await sys.tu(['-n', 'run', 'sh', '-c', SANDBOX_PROBE]);
      expect(probe.exitCode, probe.stderr).toBe(0);
      const lines = probe.stdout.trim().split('\n');
      expect(lines.slice(0, 4)).toEqual([
        '/tmp 1777 root',
        '/run 755 root',
        '/run/lock 1777 root',
        // apt's default: the tool never turns the sandbox off.
        'sandbox user: _apt',
      ]);
      expect(lines[4]).toBe('update with /tmp 0755: failed');
      // bookworm's apt-key (gpgv) or trixie's sqv, run as _apt, could not make its temporary file.
      expect(lines[5]).toMatch(
        /^W: (GPG error|OpenPGP signature verification failed): file:\/srv\/tu-repo \.\/ InRelease: (Couldn't create temporary file \/tmp\/|Unable to mkstemp \/tmp\/)/,
      );
      expect(lines.slice(6)).toEqual(['update with /tmp 1777: passed']);
      // No "Download is performed unsandboxed as root" either: _apt could read everything.
      expect(probe.stdout).not.toMatch(/unsandboxed/);
    });
  });

  it('a tampered InRelease is refused in one line and nothing changes; signed again, it installs', async () => {
    await withTestSystem(async (sys) => {
      const inRelease = join(sys.repoDir, 'InRelease');
      const signed = readFileSync(inRelease, 'utf8');
      writeFileSync(inRelease, signed.replace(/^Label: tu-test$/m, 'Label: tu-tampered'));

      const refused = await sys.tu(['-n', 'pkg', 'install', 'tu-hello']);
      expect(refused.exitCode).toBe(1);
      expect(lastLine(refused.stderr)).toBe(
        'transactional-update: the repository file:/srv/tu-repo ./ has a bad signature; apt refuses to use it; ' +
          'nothing was changed (its InRelease does not match its signature: a broken or tampered mirror; try another mirror, see apt-secure(8))',
      );
      await expectNothingChanged(sys, [1], 1);

      await scanRepo(sys.repoDir);
      const install = await sys.tu(['-n', 'pkg', 'install', 'tu-hello']);
      expect(install.exitCode, install.stderr).toBe(0);
      const installed = snapshotNumbers(sys.root).at(-1)!;
      expect(installed).toBeGreaterThan(1);
      expect(await defaultNumber(sys.root)).toBe(installed);
      expect(dpkgInstalled(join(snapshotDir(sys.root, installed), 'snapshot')).get('tu-hello')).toBe('1.0');
    });
  });

  // The one test with an unsigned repository: no InRelease, no Signed-By.
  it('an unsigned repository is refused in one line (RepositoryUnsigned), exit 1, nothing changed', async () => {
    await withTestSystem(async (sys) => {
      await pointAptAtLocalRepo(sys.root, [{ name: 'tu-hello', version: '1.0' }], { signed: false });
      const expected =
        'transactional-update: the repository file:/srv/tu-repo ./ is not signed; apt refuses to use it; nothing was changed ' +
        '(add its key under /etc/apt/keyrings and name that file with Signed-By in its sources entry; see apt-secure(8))';

      for (const command of [['pkg', 'install', 'tu-hello'], ['up'], ['dup']]) {
        const refused = await sys.tu(['-n', ...command]);
        expect(refused.exitCode, command.join(' ')).toBe(1);
        // apt's own words pass through above the tool's one line.
        expect(refused.stderr).toContain("E: The repository 'file:/srv/tu-repo ./ Release' is not signed.");
        expect(lastLine(refused.stderr)).toBe(expected);
        await expectNothingChanged(sys, [1], 1);
      }

      // --keep keeps the failed snapshot, and the line says so.
      const kept = await sys.tu(['-n', '--keep', 'pkg', 'install', 'tu-hello']);
      expect(kept.exitCode).toBe(1);
      expect(lastLine(kept.stderr)).toMatch(/is not signed; apt refuses to use it; snapshot \d+ kept, marked failed \(/);

      // With --json, stdout stays clean: apt's output and the line go to stderr.
      const json = await sys.tu(['-n', '--json', 'pkg', 'install', 'tu-hello']);
      expect(json.exitCode).toBe(1);
      expect(json.stdout).toBe('');
    });
  });
});
