/**
 * The package on a plain Debian 13 system (a trixie root from mmdebstrap, apt from the Debian
 * mirror): `apt install ./transactional-update_*.deb` and `apt purge` work, the tool runs
 * with the nodejs package's /usr/bin/node, and the units it enables stay inert there — the
 * managed layout's marker is missing, and /.snapshots alone (as snapper users have) does not
 * count.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import { LAYOUT_MARKER } from '../../../src/image/layout.js';
import { aptGetArgs, chrootRun, makeAptRoot } from '../../support/aptChroot.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';
import { buildToolPackage, PACKAGE_VERSION } from './support.js';

const skip = requireMachine({ root: true, commands: ['mmdebstrap', 'unshare', 'systemctl', 'dpkg-deb'] }, 'package install test');

const TIMERS = ['transactional-update.timer', 'transactional-update-cleanup.timer', 'transactional-update-reboot.timer'];
const ENABLED = [...TIMERS, 'transactional-update-etc-merge.service', 'transactional-update-health-check.service'];

describe.skipIf(skip)('the package on a plain trixie system', () => {
  let dir = '';
  let root = '';
  let deb = '';

  beforeAll(async () => {
    dir = await makeTestDir('plain-trixie');
    root = join(dir, 'root');
    mkdirSync(root);
    await makeAptRoot(root, 'trixie');
    deb = await buildToolPackage(dir);
    copyFileSync(deb, join(root, 'tmp', basename(deb)));
    // The host's resolver, for apt's downloads from the mirror.
    writeFileSync(join(root, 'etc/resolv.conf'), readFileSync('/etc/resolv.conf'));
    const update = await chrootRun(root, aptGetArgs('update'));
    if (update.exitCode !== 0) throw new Error(`apt-get update failed:\n${update.stdout}\n${update.stderr}`);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const chroot = (args: string[]) => chrootRun(root, args);
  const dshState = (unit: string) => join(root, 'var/lib/systemd/deb-systemd-helper-enabled', `${unit}.dsh-also`);

  it('installs with apt, runs on the nodejs package, and enables its units', async () => {
    const install = await chroot(aptGetArgs('install', `./tmp/${basename(deb)}`));
    expect(install.exitCode, `${install.stdout}\n${install.stderr}`).toBe(0);
    const status = await chroot(['dpkg-query', '--showformat=${Status} ${Version}', '--show', 'transactional-update']);
    expect(status.stdout).toBe(`install ok installed ${PACKAGE_VERSION}`);
    expect((await chroot(['dpkg-query', '--search', '/usr/bin/node'])).stdout.trim()).toBe('nodejs: /usr/bin/node');
    const version = await chroot(['/usr/sbin/transactional-update', '--version']);
    expect(version.stdout.trim(), version.stderr).toBe(PACKAGE_VERSION);
    // The fleet commands load etcd3 (gRPC) from the shipped node_modules.
    const fleet = await chroot(['/usr/sbin/transactional-update', 'fleet', '--help']);
    expect(fleet.exitCode, fleet.stderr).toBe(0);
    const etcd3 = await chroot(['/usr/bin/node', '-e', "new (require('/usr/lib/transactional-update/node_modules/etcd3').Etcd3)({ hosts: '127.0.0.1:1' }).close()"]);
    expect(etcd3.exitCode, etcd3.stderr).toBe(0);
    for (const unit of ENABLED) {
      const enabled = await run('systemctl', [`--root=${root}`, 'is-enabled', unit], { reject: false });
      expect(enabled.stdout.trim(), unit).toBe('enabled');
      expect(existsSync(dshState(unit)), unit).toBe(true);
    }
  });

  it('leaves its units inert: their condition fails without the layout marker, even with /.snapshots', async () => {
    mkdirSync(join(root, '.snapshots'), { recursive: true });
    for (const unit of ['transactional-update.timer', 'transactional-update.service', 'transactional-update-etc-merge.service', 'transactional-update-reboot.timer']) {
      const condition = await chroot(['systemd-analyze', 'condition', `--unit=${unit}`]);
      expect(condition.exitCode, unit).not.toBe(0);
      expect(condition.stdout + condition.stderr, unit).toContain(`ConditionPathExists=/.snapshots/${LAYOUT_MARKER} failed`);
    }
    // The same check passes where the managed layout's marker exists.
    writeFileSync(join(root, '.snapshots', LAYOUT_MARKER), '');
    try {
      const condition = await chroot(['systemd-analyze', 'condition', '--unit=transactional-update.timer']);
      expect(condition.exitCode, condition.stdout + condition.stderr).toBe(0);
    } finally {
      rmSync(join(root, '.snapshots'), { recursive: true, force: true });
    }
  });

  it('purges with apt, and the units are no longer enabled', async () => {
    const purge = await chroot(aptGetArgs('purge', 'transactional-update'));
    expect(purge.exitCode, `${purge.stdout}\n${purge.stderr}`).toBe(0);
    const status = await chroot(['dpkg-query', '--showformat=${Status}', '--show', 'transactional-update']);
    expect(status.stdout).not.toMatch(/installed/);
    expect(existsSync(join(root, 'usr/lib/transactional-update'))).toBe(false);
    expect(existsSync(join(root, 'usr/sbin/transactional-update'))).toBe(false);
    for (const unit of ENABLED) {
      expect(existsSync(dshState(unit)), unit).toBe(false);
      // Neither enabled nor masked: no trace of it in /etc/systemd/system.
      const found = await run('find', [join(root, 'etc/systemd/system'), '-name', unit]);
      expect(found.stdout.trim(), unit).toBe('');
    }
  });
});
