/**
 * Soft-reboot on a real Btrfs image, up to the switch and after it: snapshot N is mounted as the
 * next root only when both pointers name it, with its own nested /etc; after the switch (the test
 * mounts N as the root, as systemd's switch does, and keeps the kernel's command line of the
 * last full boot: tu.snapshot=1 tu.fallback=1) the /etc merge carries the late edits, the health
 * check passes on N and moves known-good, and a failing N points both pointers back at the
 * known-good snapshot and asks for one (full) reboot.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthCheck, mergeEtcAtBoot, setNextBoot } from '../../../src/boot/index.js';
import { readSoftRebootMarker, writeSoftRebootMarker } from '../../../src/boot/bootIdentity.js';
import { readGrubEnv, setGrubEnv } from '../../../src/boot/grub/grubEnv.js';
import { ESP_DIR, ESP_ENV_FILE, GRUB_DIR } from '../../../src/boot/layout.js';
import { planSoftReboot } from '../../../src/boot/nextRoot.js';
import { pointerFile } from '../../../src/boot/pointers.js';
import { writeBootSettings } from '../../../src/boot/settings.js';
import { badPackageSets, knownGoodList, markKnownGood, readHealthResult } from '../../../src/boot/state.js';
import { recordBooted } from '../../../src/snapshots/bootHistory.js';
import { defaultSnapshot, findMount } from '../../../src/snapshots/system.js';
import { requireMachine } from '../../support/requirements.js';
import { addSnapshot, makeTestSystem, NEEDS, writeExecutable, type TestSystem } from './support.js';

const skip = requireMachine(NEEDS, 'soft-reboot integration test');
const FSTAB = (uuid: string) => `UUID=${uuid} / btrfs defaults 0 0\nUUID=${uuid} /.snapshots btrfs subvol=/@/.snapshots 0 0\nUUID=${uuid} /var btrfs subvol=/@/var 0 0\n`;
const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n';
const BOOT_ID = '0b7e2f0a-5c1d-4e55-8f5a-3d6e9c2b1a40';
/** The kernel's command line of the last full boot: GRUB's fallback entry started snapshot 1. */
const STALE_FALLBACK_CMDLINE = 'BOOT_IMAGE=/@/.snapshots/1/snapshot/boot/vmlinuz root=UUID=x rootflags=subvol=@/.snapshots/1/snapshot tu.snapshot=1 tu.fallback=1 ro';

describe.skipIf(skip)('soft-reboot on a real Btrfs image', () => {
  let t: TestSystem;
  let reboots = 0;
  const reboot = async () => {
    reboots += 1;
  };
  const run = () => ({
    dir: join(t.dir, 'run/nextroot'),
    markerPath: join(t.dir, 'run/transactional-update/soft-reboot.json'),
    bootIdPath: join(t.dir, 'boot_id'),
  });
  const espEnv = () => readGrubEnv(join(t.root, 'boot/efi', ESP_DIR, ESP_ENV_FILE));
  const grubPointer = async () => (await readGrubEnv(pointerFile(t.top))).next_snapshot;

  beforeAll(async () => {
    t = await makeTestSystem({ esp: true });
    writeFileSync(join(t.root, 'etc/fstab'), FSTAB(t.fsUuid));
    writeFileSync(join(t.root, 'etc/os-release'), OS_RELEASE);
    writeFileSync(run().bootIdPath, `${BOOT_ID}\n`);
    mkdirSync(join(t.top, GRUB_DIR), { recursive: true });
    writeBootSettings(t.top, { fsUuid: t.fsUuid, espUuid: t.espUuid, bootAttempts: 3, timeout: 1, serial: false });
    mkdirSync(join(t.root, 'boot/efi', ESP_DIR), { recursive: true });
    await setGrubEnv(join(t.root, 'boot/efi', ESP_DIR, ESP_ENV_FILE), {});
    markKnownGood(t.system.stateDir, 1);
    recordBooted(t.system.stateDir, 1);
    await addSnapshot(t, 2, { base: 1, description: 'pkg install tu-hello', etc: { 'tu-hello.conf': 'from snapshot 2\n' } });
    await setNextBoot(t.system, 2);
    expect((await espEnv()).boot_counter).toBe('3');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('refuses a next root that the two pointers do not both name, saying why', async () => {
    await setGrubEnv(pointerFile(t.top), { next_snapshot: 1 });
    try {
      expect(await planSoftReboot(t.system, 2, run())).toEqual({ ok: false, reason: "the next-boot pointers disagree (GRUB's names 1, the Btrfs default 2)" });
    } finally {
      await setGrubEnv(pointerFile(t.top), { next_snapshot: 2 });
    }
    expect(await planSoftReboot(t.system, 1, run())).toEqual({ ok: false, reason: 'snapshot 1 is already running' });
  });

  it('mounts snapshot 2 at the next root with its own /etc, marks the switch, and undoes both', async () => {
    const plan = await planSoftReboot(t.system, 2, run());
    if (!plan.ok) throw new Error(plan.reason);
    const undo = await plan.prepare();
    try {
      const mounted = await findMount(run().dir);
      expect(mounted).toMatchObject({ fstype: 'btrfs', fsroot: '/@/.snapshots/2/snapshot' });
      expect(readFileSync(join(run().dir, 'etc/tu-hello.conf'), 'utf8')).toBe('from snapshot 2\n');
      expect(existsSync(join(t.root, 'etc/tu-hello.conf'))).toBe(false);
      // The shared subvolumes are not below it: systemd mounts them from its fstab after the switch.
      expect(readFileSync(join(run().dir, 'etc/fstab'), 'utf8')).toBe(FSTAB(t.fsUuid));
      expect(await findMount(join(run().dir, 'var'))).toBeUndefined();
      expect(readSoftRebootMarker(run().markerPath)).toMatchObject({ from: 1, to: 2, bootId: BOOT_ID });
    } finally {
      await undo();
    }
    expect(await findMount(run().dir)).toBeUndefined();
    expect(existsSync(run().markerPath)).toBe(false);
  });

  it('after the switch: /etc edits merged, the health check passes on 2 despite tu.fallback=1, known-good moves', async () => {
    // An /etc edit on the running snapshot 1 after snapshot 2 was made.
    writeFileSync(join(t.root, 'etc/late.conf'), 'edited after the transaction\n');
    writeSoftRebootMarker({ from: 1, to: 2, bootId: BOOT_ID, at: new Date().toISOString() }, run().markerPath);
    await t.rebootInto(2);
    expect(t.system.booted).toBe(2);

    const merge = await mergeEtcAtBoot(t.system, run());
    expect(merge).toMatchObject({ snapshot: 2, from: 1, merged: ['/etc/late.conf'], conflicts: [] });
    expect(readFileSync(join(t.root, 'etc/late.conf'), 'utf8')).toBe('edited after the transaction\n');

    const outcome = await healthCheck(t.system, { cmdline: STALE_FALLBACK_CMDLINE, ...run(), reboot, timeoutMs: 10_000 });
    expect(outcome.checks[0]).toEqual({ name: 'root', ok: true, message: 'the root is snapshot 2 (soft-rebooted from snapshot 1)' });
    expect(outcome).toMatchObject({ status: 'pass', fallback: false, message: 'snapshot 2 is healthy and now known-good' });
    expect(reboots).toBe(0);
    expect(knownGoodList(t.system.stateDir)).toEqual([1, 2]);
    // No fallback rollback: both pointers still name 2, and the counter GRUB never saw is gone.
    expect(await grubPointer()).toBe('2');
    expect(await defaultSnapshot(t.system)).toBe(2);
    expect((await espEnv()).boot_counter).toBeUndefined();
    expect(readHealthResult(t.system.stateDir)).toMatchObject({ snapshot: 2, status: 'pass', fallback: false, softReboot: { from: 1 } });
  });

  it('a soft-rebooted snapshot that fails its check: known-good next in both pointers, one reboot', async () => {
    await addSnapshot(t, 3, { base: 2, description: 'pkg install tu-broken', packages: [['tu-broken', '1.0']] });
    await setNextBoot(t.system, 3);
    expect((await espEnv()).boot_counter).toBe('3');
    writeSoftRebootMarker({ from: 2, to: 3, bootId: BOOT_ID, at: new Date().toISOString() }, run().markerPath);
    await t.rebootInto(3);
    writeExecutable(join(t.root, 'etc/transactional-update/health.d/50-web'), '#!/bin/sh\necho "web server down" >&2\nexit 3\n');
    chmodSync(join(t.root, 'etc/transactional-update/health.d/50-web'), 0o755);

    const outcome = await healthCheck(t.system, { cmdline: STALE_FALLBACK_CMDLINE, ...run(), reboot, timeoutMs: 10_000 });
    expect(outcome.message).toBe('snapshot 3 failed its health check (50-web: exit 3: web server down); rebooting into known-good snapshot 2');
    expect(reboots).toBe(1);
    expect(await grubPointer()).toBe('2');
    expect(await defaultSnapshot(t.system)).toBe(2);
    expect((await espEnv()).boot_counter).toBeUndefined();
    expect(knownGoodList(t.system.stateDir)).toEqual([1, 2]);
    expect(badPackageSets(t.system.stateDir).map((s) => s.snapshot)).toEqual([3]);
  });
});
