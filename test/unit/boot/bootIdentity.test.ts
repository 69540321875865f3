/**
 * Which snapshot runs, and how it got there, from recorded inputs: the kernel command lines are
 * real ones of booted guests (fixtures/boot), the marker is what prepareNextRoot writes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  identifyBoot,
  parseSoftRebootMarker,
  readBootIdentity,
  readSoftRebootMarker,
  writeSoftRebootMarker,
  type SoftRebootMarker,
} from '../../../src/boot/bootIdentity.js';
import { checkRoot } from '../../../src/boot/health/healthChecks.js';
import { decideFallbackRollback, decideHealth } from '../../../src/boot/health/healthDecision.js';
import { mountedSnapshot } from '../../../src/snapshots/system.js';
import { parseMountInfo } from '../../../src/util/mountinfo.js';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/boot', name), 'utf8');
/** GRUB's fallback entry booted known-good snapshot 3 (tu.snapshot=3 tu.fallback=1). */
const FALLBACK3 = fixture('proc-cmdline-fallback3.txt');
/** A normal entry booted snapshot 4. */
const SNAPSHOT4 = fixture('proc-cmdline-snapshot4.txt');
const BOOT_ID = '5f0c3ab8-7d3e-4b8a-9d3c-2b1f7a0e6c11';
const marker = (from: number, to: number, bootId = BOOT_ID): SoftRebootMarker => ({ from, to, bootId, at: '2026-12-06T22:00:00.000Z' });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a recorded soft-reboot (fixtures/boot/soft-reboot: QEMU, Debian 13, systemd 257)', () => {
  const dir = join(__dirname, '../../../fixtures/boot/soft-reboot');
  const mounts = parseMountInfo(readFileSync(join(dir, 'mountinfo.txt'), 'utf8'));

  it('the running snapshot is what / mounts, not what the kernel was told', () => {
    expect(mountedSnapshot(mounts, '/')).toEqual({ booted: 4, snapshotsFsPath: '@/.snapshots' });
    expect(readFileSync(join(dir, 'cmdline.txt'), 'utf8')).toContain('tu.snapshot=3');
    // The shared subvolumes came back from snapshot 4's fstab after the switch.
    const shared = mounts.filter((m) => m.fstype === 'btrfs' && m.target !== '/').map((m) => `${m.target} ${m.fsroot}`);
    expect(shared.sort()).toEqual(['/.snapshots /@/.snapshots', '/home /@/home', '/opt /@/opt', '/root /@/root', '/srv /@/srv', '/usr/local /@/usr/local', '/var /@/var']);
  });

  it('with the marker of the same boot id, it is a soft-reboot from 3 to 4 and the root check passes', () => {
    const identity = readBootIdentity(mountedSnapshot(mounts, '/')!.booted, {
      cmdline: readFileSync(join(dir, 'cmdline.txt'), 'utf8'),
      markerPath: join(dir, 'soft-reboot.json'),
      bootIdPath: join(dir, 'boot_id'),
    });
    expect(identity).toMatchObject({ booted: 4, kernel: { snapshot: 3, fallback: false }, softReboot: { from: 3, to: 4 }, fallbackBoot: false, intended: 4 });
    expect(checkRoot(identity)).toEqual({ name: 'root', ok: true, message: 'the root is snapshot 4 (soft-rebooted from snapshot 3)' });
  });
});

describe('identifyBoot', () => {
  it('a full boot: the root is what tu.snapshot names, and tu.fallback=1 makes it a fallback boot', () => {
    expect(identifyBoot({ mounted: 4, cmdline: SNAPSHOT4, marker: undefined, bootId: BOOT_ID })).toEqual({
      booted: 4,
      kernel: { snapshot: 4, fallback: false },
      softReboot: undefined,
      fallbackBoot: false,
      intended: 4,
      intendedBy: 'tu.snapshot',
    });
    expect(identifyBoot({ mounted: 3, cmdline: FALLBACK3, marker: undefined, bootId: BOOT_ID })).toMatchObject({ booted: 3, fallbackBoot: true, intended: 3 });
  });

  it('after a soft-reboot the root is the marker’s target, and a stale tu.fallback=1 is no fallback', () => {
    const identity = identifyBoot({ mounted: 5, cmdline: FALLBACK3, marker: marker(3, 5), bootId: BOOT_ID });
    expect(identity).toEqual({
      booted: 5,
      kernel: { snapshot: 3, fallback: true },
      softReboot: { from: 3, to: 5 },
      fallbackBoot: false,
      intended: 5,
      intendedBy: 'soft-reboot',
    });
    expect(checkRoot(identity)).toEqual({ name: 'root', ok: true, message: 'the root is snapshot 5 (soft-rebooted from snapshot 3)' });
    // The pointers name 5 (it was prepared only when both did): nothing to roll back.
    expect(decideFallbackRollback({ booted: identity.booted, fallbackBoot: identity.fallbackBoot, pointer: 5 })).toEqual([]);
  });

  it('two soft-reboots in one kernel boot: the last marker counts', () => {
    expect(identifyBoot({ mounted: 6, cmdline: SNAPSHOT4, marker: marker(5, 6), bootId: BOOT_ID })).toMatchObject({ softReboot: { from: 5, to: 6 }, intended: 6 });
  });

  it('a marker of another boot id is stale: the command line decides', () => {
    const identity = identifyBoot({ mounted: 3, cmdline: FALLBACK3, marker: marker(3, 5, 'another-boot'), bootId: BOOT_ID });
    expect(identity).toMatchObject({ softReboot: undefined, fallbackBoot: true, intended: 3, intendedBy: 'tu.snapshot' });
  });

  it('a soft-reboot that did not switch the root fails the root check, naming it', () => {
    const identity = identifyBoot({ mounted: 4, cmdline: SNAPSHOT4, marker: marker(4, 5), bootId: BOOT_ID });
    expect(identity).toMatchObject({ booted: 4, softReboot: undefined, fallbackBoot: false, intended: 5 });
    expect(checkRoot(identity)).toEqual({ name: 'root', ok: false, message: 'the root is snapshot 4, not 5 as the soft-reboot meant to start' });
  });

  it('a root that neither the kernel nor a soft-reboot of the tool started fails the root check', () => {
    const identity = identifyBoot({ mounted: 7, cmdline: SNAPSHOT4, marker: undefined, bootId: BOOT_ID });
    expect(checkRoot(identity)).toEqual({ name: 'root', ok: false, message: 'the root is snapshot 7, not 4 as tu.snapshot says' });
    expect(checkRoot(identifyBoot({ mounted: 7, cmdline: 'root=/dev/vda2 ro', marker: undefined, bootId: BOOT_ID }))).toEqual({
      name: 'root',
      ok: false,
      message: 'no tu.snapshot on the kernel command line and no soft-reboot of the tool',
    });
  });
});

describe('health decisions after a soft-reboot', () => {
  const identity = identifyBoot({ mounted: 5, cmdline: FALLBACK3, marker: marker(3, 5), bootId: BOOT_ID });
  const facts = { booted: identity.booted, fallbackBoot: identity.fallbackBoot, pointer: 5, knownGood: 3, failureReboot: undefined };

  it('a pass makes the soft-rebooted snapshot known-good and removes the boot counter GRUB never saw', () => {
    const decision = decideHealth({ ...facts, failures: [] });
    expect(decision).toMatchObject({ status: 'pass', fallback: false, message: 'snapshot 5 is healthy and now known-good' });
    expect(decision.actions).toEqual([{ kind: 'mark-known-good', snapshot: 5 }, { kind: 'reset-counter' }, { kind: 'forget-failure-reboot' }, { kind: 'refresh-menu' }]);
  });

  it('a failure points both pointers at the known-good snapshot and reboots (fully) once', () => {
    const decision = decideHealth({ ...facts, failures: ['50-web: exit 3'] });
    expect(decision.actions).toEqual([
      { kind: 'record-bad-set', snapshot: 5, reason: 'failed its health check: 50-web: exit 3' },
      { kind: 'set-next-boot', snapshot: 3 },
      { kind: 'remember-failure-reboot', from: 5, to: 3 },
      { kind: 'refresh-menu' },
      { kind: 'reboot' },
    ]);
    expect(decision.actions.some((a) => a.kind === 'mark-known-good')).toBe(false);
  });
});

describe('the marker file', () => {
  it('is written and read back; anything else is no marker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tu-marker-'));
    dirs.push(dir);
    const path = join(dir, 'run/transactional-update/soft-reboot.json');
    expect(readSoftRebootMarker(path)).toBeUndefined();
    writeSoftRebootMarker(marker(3, 5), path);
    expect(readSoftRebootMarker(path)).toEqual(marker(3, 5));
    expect(parseSoftRebootMarker('{"from": "3", "to": 5}')).toBeUndefined();
    expect(parseSoftRebootMarker('not json')).toBeUndefined();
    const bootId = join(dir, 'boot_id');
    writeFileSync(bootId, `${BOOT_ID}\n`);
    expect(readBootIdentity(5, { cmdline: FALLBACK3, markerPath: path, bootIdPath: bootId })).toMatchObject({ softReboot: { from: 3, to: 5 }, fallbackBoot: false });
  });
});
