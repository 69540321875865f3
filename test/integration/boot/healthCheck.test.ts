/**
 * The health check's acting layer on a real Btrfs image: a failing new snapshot records its bad
 * package set, points both pointers at the known-good one and reboots once; the known-good one
 * failing after that stays up; a pass marks known-good and removes the counter.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthCheck, isBadPackageSet, setNextBoot } from '../../../src/boot/index.js';
import { readGrubEnv, setGrubEnv } from '../../../src/boot/grub/grubEnv.js';
import { ESP_DIR, ESP_ENV_FILE, GRUB_DIR } from '../../../src/boot/layout.js';
import { writeBootSettings } from '../../../src/boot/settings.js';
import { badPackageSets, knownGoodList, markKnownGood, readFailureReboot, readHealthResult } from '../../../src/boot/state.js';
import { defaultSnapshot } from '../../../src/snapshots/system.js';
import { requireMachine } from '../../support/requirements.js';
import { addSnapshot, makeTestSystem, NEEDS, writeExecutable, type TestSystem } from './support.js';

const skip = requireMachine(NEEDS, 'health check integration test');
const FSTAB = (uuid: string) => `UUID=${uuid} / btrfs defaults 0 0\nUUID=${uuid} /.snapshots btrfs subvol=/@/.snapshots 0 0\nUUID=${uuid} /var btrfs subvol=/@/var 0 0\n`;

describe.skipIf(skip)('health check on a real Btrfs image', () => {
  let t: TestSystem;
  let reboots = 0;
  const reboot = async () => {
    reboots += 1;
  };
  const espEnv = () => readGrubEnv(join(t.root, 'boot/efi', ESP_DIR, ESP_ENV_FILE));
  const pointer = async () => (await readGrubEnv(join(t.top, GRUB_DIR, 'grubenv'))).next_snapshot;
  const prepareEsp = async () => {
    mkdirSync(join(t.root, 'boot/efi', ESP_DIR), { recursive: true });
    await setGrubEnv(join(t.root, 'boot/efi', ESP_DIR, ESP_ENV_FILE), {});
  };

  beforeAll(async () => {
    t = await makeTestSystem({ esp: true });
    writeFileSync(join(t.root, 'etc/fstab'), FSTAB(t.fsUuid));
    mkdirSync(join(t.top, GRUB_DIR), { recursive: true });
    writeBootSettings(t.top, { fsUuid: t.fsUuid, espUuid: t.espUuid, bootAttempts: 3, timeout: 1, serial: false });
    await prepareEsp();
    markKnownGood(t.system.stateDir, 1);
    await addSnapshot(t, 2, {
      base: 1,
      description: 'broken',
      packages: [['base-files', '12.4'], ['tu-broken', '1.0']],
      etc: { 'transactional-update/health.d/50-web': '#!/bin/sh\necho "web server down" >&2\nexit 3\n' },
    });
    await import('node:fs').then((fs) => fs.chmodSync(join(t.system.store.paths(2).snapshotEtc, 'transactional-update/health.d/50-web'), 0o755));
    await setNextBoot(t.system, 2);
    expect((await espEnv()).boot_counter).toBe('3');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('a failing new snapshot: bad set recorded, known-good made the next boot, one reboot', async () => {
    await t.rebootInto(2);
    await setGrubEnv(join(t.root, 'boot/efi', ESP_DIR, ESP_ENV_FILE), { boot_counter: 2 });
    const outcome = await healthCheck(t.system, { cmdline: 'root=UUID=x rootflags=subvol=@/.snapshots/2/snapshot tu.snapshot=2 ro', reboot, timeoutMs: 10_000 });
    expect(outcome.checks.map((c) => `${c.name} ${c.ok}`)).toEqual(['root true', 'subvolumes true', '50-web false']);
    expect(outcome.message).toBe('snapshot 2 failed its health check (50-web: exit 3: web server down); rebooting into known-good snapshot 1');
    expect(reboots).toBe(1);
    expect(await pointer()).toBe('1');
    expect(await defaultSnapshot(t.system)).toBe(1);
    expect((await espEnv()).boot_counter).toBeUndefined();
    expect(readHealthResult(t.system.stateDir)).toMatchObject({ snapshot: 2, status: 'fail', fallback: false });
    expect(badPackageSets(t.system.stateDir).map((s) => s.snapshot)).toEqual([2]);
    expect(isBadPackageSet(t.system.stateDir, [{ name: 'tu-broken', arch: 'amd64', version: '1.0' }, { name: 'base-files', arch: 'amd64', version: '12.4' }])).toBe(true);
    expect(isBadPackageSet(t.system.stateDir, [{ name: 'base-files', arch: 'amd64', version: '12.4' }])).toBe(false);
  });

  it('a second failure, on the known-good snapshot, stays up in a safe state', async () => {
    await t.rebootInto(1);
    writeExecutable(join(t.root, 'etc/transactional-update/health.d/10-disk'), '#!/bin/sh\nexit 1\n');
    const outcome = await healthCheck(t.system, { cmdline: 'tu.snapshot=1', reboot, timeoutMs: 10_000 });
    expect(outcome.safeState).toBe(true);
    expect(outcome.message).toContain('this is the second failure');
    expect(reboots).toBe(1);
  });

  it('a pass marks the snapshot known-good and forgets the failure', async () => {
    rmSync(join(t.root, 'etc/transactional-update/health.d/10-disk'));
    const outcome = await healthCheck(t.system, { cmdline: 'tu.snapshot=1', reboot, timeoutMs: 10_000 });
    expect(outcome.status).toBe('pass');
    expect(knownGoodList(t.system.stateDir)).toEqual([1]);
    expect(readFailureReboot(t.system.stateDir)).toBeUndefined();
    expect(readHealthResult(t.system.stateDir)).toMatchObject({ snapshot: 1, status: 'pass' });
  });

  it('fails the root check when tu.snapshot names another snapshot than the mounted root', async () => {
    const outcome = await healthCheck(t.system, { cmdline: 'tu.snapshot=2', reboot, timeoutMs: 10_000 });
    expect(outcome.checks[0]).toEqual({ name: 'root', ok: false, message: 'the root is snapshot 1, not 2 as tu.snapshot says' });
  });
});
