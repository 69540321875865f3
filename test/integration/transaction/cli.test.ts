/**
 * Clear refusals and the less common transaction forms: not root, not Btrfs, no /.snapshots,
 * unknown numbers and commands, nesting; shell from stdin; --continue; descriptions.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readEtcStartOrigin } from '../../../src/snapshots/etcStartOrigin.js';
import { SnapshotStore } from '../../../src/snapshots/store.js';
import { run } from '../../../src/util/exec.js';
import { buildToolPackage } from '../package/support.js';
import { requireRootAndLoop } from '../../support/requirements.js';
import { cli, cliEnvironment, withTestSystem } from '../../support/system.js';
import { makeTestDir } from '../../support/tmp.js';
import { defaultNumber, dpkgInstalled, snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop(['setpriv', 'dpkg-deb']);

describe.skipIf(skip)('command line refusals', () => {
  it('exits 2 on unknown commands and options, 1 with one line for unusable systems', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const badOption = await cli(['list', '--frob']);
    expect(badOption.exitCode).toBe(2);

    // As an unprivileged user, through the installed layout of the package: a checkout under
    // /root (mode 0700) is not readable by that user, an unpacked package in /tmp is.
    const unpacked = mkdtempSync(join(tmpdir(), 'tu-notroot-'));
    try {
      chmodSync(unpacked, 0o755);
      await run('dpkg-deb', ['-x', await buildToolPackage(unpacked), join(unpacked, 'root')]);
      const notRoot = await execa(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(unpacked, 'root/usr/lib/transactional-update/main.cjs'), 'list'],
        { env: cliEnvironment(), extendEnv: false, reject: false },
      );
      expect(notRoot.stderr.trim()).toBe('transactional-update: transactional-update must run as root (run it with sudo)');
      expect(notRoot.exitCode).toBe(1);
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }

    const dir = await makeTestDir('plain');
    try {
      const notBtrfs = await cli(['--root', dir, 'list']);
      expect(notBtrfs.exitCode).toBe(1);
      expect(notBtrfs.stderr).toMatch(/is not a mount point|not Btrfs/);
      expect(notBtrfs.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown snapshots, nesting and a missing /.snapshots on a real system', async () => {
    await withTestSystem(async (sys) => {
      const missing = await sys.tu(['rollback', '42', '--yes']);
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toMatch(/snapshot 42 does not exist/);
      const notNumber = await sys.tu(['rollback', 'abc', '--yes']);
      expect(notNumber.exitCode).toBe(2);

      const nested = await sys.tu(['run', 'true'], { env: { TRANSACTIONAL_UPDATE: 'true' } });
      expect(nested.exitCode).toBe(1);
      expect(nested.stderr).toMatch(/already inside a transaction/);

      // A nested call from inside a transaction is refused too (the chroot sets the variable).
      const inside = await sys.tu(['run', 'sh', '-c', 'test "$TRANSACTIONAL_UPDATE" = true']);
      expect(inside.exitCode).toBe(0);

      await execa('umount', [join(sys.root, '.snapshots')]);
      try {
        const noSnapshots = await sys.tu(['list']);
        expect(noSnapshots.exitCode).toBe(1);
        expect(noSnapshots.stderr).toMatch(/\.snapshots is not mounted/);
      } finally {
        const uuid = (await execa('findmnt', ['-n', '-o', 'SOURCE', sys.root])).stdout.replace(/\[.*$/, '');
        await execa('mount', ['-o', 'subvol=/@/.snapshots', uuid, join(sys.root, '.snapshots')]);
      }
    });
  });

  it('runs a shell reading stdin, continues from the default, and describes snapshots by their command', async () => {
    await withTestSystem(async (sys) => {
      const shell = await sys.tu(['shell'], { input: 'echo from-shell > /etc/tu-shell\nexit 0\n' });
      expect(shell.exitCode, shell.stderr).toBe(0);
      const first = snapshotNumbers(sys.root).at(-1)!;
      expect(readFileSync(join(snapshotDir(sys.root, first), 'etc/tu-shell'), 'utf8')).toBe('from-shell\n');

      const failing = await sys.tu(['shell'], { input: 'touch /etc/tu-nope\nexit 7\n' });
      expect(failing.exitCode).toBe(7);
      expect(snapshotNumbers(sys.root)).toEqual([1, first]);

      // -c without a number continues from the default: the shell's file stays.
      const cont = await sys.tu(['-c', 'pkg', 'install', 'tu-hello']);
      expect(cont.exitCode, cont.stderr).toBe(0);
      const second = snapshotNumbers(sys.root).at(-1)!;
      const secondRoot = join(snapshotDir(sys.root, second), 'snapshot');
      expect(readFileSync(join(secondRoot, 'etc/tu-shell'), 'utf8')).toBe('from-shell\n');
      expect(dpkgInstalled(secondRoot).get('tu-hello')).toBe('1.0');
      expect(await defaultNumber(sys.root)).toBe(second);
      expect(readFileSync(join(snapshotDir(sys.root, second), 'info.xml'), 'utf8')).toMatch(/<description>pkg install tu-hello<\/description>/);

      // Without -c the base is the booted snapshot: neither change is there.
      const fresh = await sys.tu(['--description', 'my words', 'run', 'true']);
      expect(fresh.exitCode).toBe(0);
      const third = snapshotNumbers(sys.root).at(-1)!;
      const thirdRoot = join(snapshotDir(sys.root, third), 'snapshot');
      expect(dpkgInstalled(thirdRoot).has('tu-hello')).toBe(false);
      expect(readFileSync(join(snapshotDir(sys.root, third), 'info.xml'), 'utf8')).toMatch(/<description>my words<\/description>/);

      // Whose /etc each merge base was taken from: the running snapshot 1's, also through -c
      // on a snapshot that had not booted.
      const store = new SnapshotStore(join(sys.root, '.snapshots'));
      const origin = (n: number) => readEtcStartOrigin(store.paths(n));
      expect([first, second, third].map(origin)).toEqual([1, 1, 1]);

      // -c N continues from N, with N's /etc as booting N gives it. Once N has booted (the
      // merge at its boot removes N/etc.start), edits made in its own /etc while it ran are
      // there, though N/etc, what N's transaction left, lacks them.
      const secondDir = snapshotDir(sys.root, second);
      await execa('btrfs', ['subvolume', 'delete', join(secondDir, 'etc.start')]);
      rmSync(join(secondDir, 'etc.start.from'));
      writeFileSync(join(secondDir, 'snapshot/etc/tu-while-running'), 'edited while it ran\n');
      expect(existsSync(join(secondDir, 'etc/tu-while-running'))).toBe(false);
      const unchanged = await sys.tu(['-c', String(second), '-d', 'run', 'cat', '/etc/tu-while-running']);
      expect(unchanged.exitCode, unchanged.stderr).toBe(0);
      expect(unchanged.stdout).toContain('edited while it ran');
      // Nothing changed against the /etc it began with: -d drops it.
      expect(snapshotNumbers(sys.root).at(-1)).toBe(third);

      const fromN = await sys.tu(['-c', String(second), 'run', 'sh', '-c', 'echo mine > /etc/tu-own']);
      expect(fromN.exitCode, fromN.stderr).toBe(0);
      const fourth = snapshotNumbers(sys.root).at(-1)!;
      expect(dpkgInstalled(join(snapshotDir(sys.root, fourth), 'snapshot')).has('tu-hello')).toBe(true);
      expect(readFileSync(join(snapshotDir(sys.root, fourth), 'etc/tu-while-running'), 'utf8')).toBe('edited while it ran\n');
      // Its manifest tells its own change from the edit made before it, outside a transaction.
      const manifest = JSON.parse(readFileSync(join(snapshotDir(sys.root, fourth), 'manifest.json'), 'utf8')) as {
        base: number;
        files: Array<{ path: string }>;
        outside: { etc: Array<{ path: string }> };
      };
      expect(manifest.base).toBe(second);
      expect(manifest.files.map((f) => f.path)).toEqual(['/etc/tu-own']);
      expect(manifest.outside.etc.map((f) => f.path)).toEqual(['/etc/tu-while-running']);
      // Its merge base is second's own /etc: merged only when second ran before it.
      expect(origin(fourth)).toBe(second);

      const log = readFileSync(join(sys.root, 'var/log/transactional-update.log'), 'utf8');
      expect(log).toMatch(/step snapshot \d+: pkg install tu-hello/);
    });
  });
});

