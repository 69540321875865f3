/**
 * The transaction engine on a real managed image: apt in a real chroot against the local
 * repository of tiny packages.
 */
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../../support/requirements.js';
import { mountImage, umountImage, withTestSystem } from '../../support/system.js';
import { defaultNumber, dpkgInstalled, exists, isReadOnly, mountsBelow, snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop(['snapper']);

describe.skipIf(skip)('package transactions on a managed image', () => {
  it('installs into a new read-only default snapshot, leaves the booted one alone, and refuses what fails', async () => {
    await withTestSystem(async (sys) => {
      const install = await sys.tu(['pkg', 'install', 'tu-hello']);
      expect(install.exitCode, install.stderr).toBe(0);
      expect(snapshotNumbers(sys.root)).toEqual([1, 2]);
      const two = join(snapshotDir(sys.root, 2), 'snapshot');
      expect(await isReadOnly(two)).toBe(true);
      expect(await defaultNumber(sys.root)).toBe(2);
      // The booted snapshot is the one mounted at the root: unchanged.
      expect(exists(join(sys.root, 'usr/bin/tu-hello'))).toBe(false);
      expect(exists(join(two, 'usr/bin/tu-hello'))).toBe(true);
      expect(dpkgInstalled(two).get('tu-hello')).toBe('1.0');
      expect(dpkgInstalled(sys.root).has('tu-hello')).toBe(false);
      // Our supplements are gone from the closed snapshot.
      expect(exists(join(two, 'usr/sbin/policy-rc.d'))).toBe(false);

      const broken = await sys.tu(['pkg', 'install', 'tu-broken']);
      expect(broken.exitCode).toBe(1);
      expect(broken.stderr).toMatch(/failed/);
      expect(broken.stderr.trim().split('\n').at(-1)).toMatch(/^transactional-update: /);
      expect(snapshotNumbers(sys.root)).toEqual([1, 2]);
      expect(await defaultNumber(sys.root)).toBe(2);
      expect(await mountsBelow(join(sys.root, '.snapshots'))).toEqual([join(sys.root, '.snapshots')]);

      const unknown = await sys.tu(['pkg', 'install', 'tu-does-not-exist']);
      expect(unknown.exitCode).toBe(1);
      expect(snapshotNumbers(sys.root)).toEqual([1, 2]);

      // The system's own policy-rc.d would allow starting services (as some images ship):
      // the transaction's must win inside the chroot, and the system's must be back after.
      const permissive = await sys.tu(['-c', 'run', 'sh', '-c', 'printf "#!/bin/sh\\nexit 0\\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d']);
      expect(permissive.exitCode, permissive.stderr).toBe(0);
      const daemon = await sys.tu(['-c', 'pkg', 'install', 'tu-daemon']);
      expect(daemon.exitCode, daemon.stderr).toBe(0);
      const daemonNumber = snapshotNumbers(sys.root).at(-1)!;
      expect(snapshotNumbers(sys.root)).toEqual([1, 2, daemonNumber - 1, daemonNumber]);
      const three = join(snapshotDir(sys.root, daemonNumber), 'snapshot');
      expect(dpkgInstalled(three).has('tu-daemon')).toBe(true);
      // Started, it would leave this marker in the shared /var.
      expect(exists(join(sys.root, 'var/lib/tu-daemon/started'))).toBe(false);
      expect(readFileSync(join(three, 'usr/sbin/policy-rc.d'), 'utf8')).toBe('#!/bin/sh\nexit 0\n');

      const bad = await sys.tu(['pkg', 'install', '--', '-rf']);
      expect(bad.exitCode).toBe(2);

      // snapper reads our metadata.
      const configName = `tu-test-${process.pid}`;
      const configFile = join('/etc/snapper/configs', configName);
      writeFileSync(configFile, `SUBVOLUME="${sys.root}"\nFSTYPE="btrfs"\n`);
      try {
        const { execa } = await import('execa');
        const listed = await execa('snapper', ['--no-dbus', '-c', configName, 'list'], { reject: false });
        expect(listed.exitCode, listed.stderr).toBe(0);
        expect(listed.stdout).toMatch(/pkg install tu-hello/);
        expect(listed.stdout).toMatch(/pkg install tu-daemon/);
        expect(listed.stdout).toMatch(/first root filesystem/);
      } finally {
        rmSync(configFile, { force: true });
      }

      const rollback = await sys.tu(['rollback', '1', '--yes']);
      expect(rollback.exitCode, rollback.stderr).toBe(0);
      expect(await defaultNumber(sys.root)).toBe(1);
      const noTerminal = await sys.tu(['rollback', '2']);
      expect(noTerminal.exitCode).toBe(2);
      expect(noTerminal.stderr).toMatch(/--yes/);

      const list = await sys.tu(['list', '--json']);
      const rows = JSON.parse(list.stdout) as Array<{ number: number; default: boolean; booted: boolean; readOnly: boolean }>;
      expect(rows.map((r) => r.number)).toEqual([1, 2, daemonNumber - 1, daemonNumber]);
      expect(rows.find((r) => r.default)?.number).toBe(1);
      expect(rows.find((r) => r.booted)?.number).toBe(1);
      expect(rows.every((r) => r.readOnly)).toBe(true);
    });
  });

  it('keeps the local conffile on a non-interactive update and puts the package version beside it', async () => {
    await withTestSystem(async (sys) => {
      expect((await sys.tu(['pkg', 'install', 'tu-conf'])).exitCode).toBe(0);
      // "Reboot": mount the image again, which mounts the default snapshot.
      await umountImage(sys.root);
      await mountImage(sys.image, sys.root);
      expect(dpkgInstalled(sys.root).get('tu-conf')).toBe('1.0');
      const conf = join(sys.root, 'etc/tu-conf.conf');
      writeFileSync(conf, `${readFileSync(conf, 'utf8')}# edited by hand\n`);
      await sys.publish({ name: 'tu-conf', version: '2.0' });

      const up = await sys.tu(['-n', 'up']);
      expect(up.exitCode, up.stderr).toBe(0);
      const numbers = snapshotNumbers(sys.root);
      const newest = numbers.at(-1)!;
      const root = join(snapshotDir(sys.root, newest), 'snapshot');
      expect(dpkgInstalled(root).get('tu-conf')).toBe('2.0');
      expect(readFileSync(join(root, 'etc/tu-conf.conf'), 'utf8')).toMatch(/# edited by hand/);
      expect(exists(join(root, 'etc/tu-conf.conf.dpkg-dist'))).toBe(true);
      expect(readFileSync(join(root, 'etc/tu-conf.conf.dpkg-dist'), 'utf8')).not.toMatch(/# edited by hand/);
      // The read-only copy of /etc as the transaction left it agrees.
      expect(readFileSync(join(snapshotDir(sys.root, newest), 'etc/tu-conf.conf'), 'utf8')).toMatch(/# edited by hand/);
    });
  });
});

