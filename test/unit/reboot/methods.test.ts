import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../src/config/settings.js';
import { TuError } from '../../../src/errors.js';
import { parseSystemdVersion } from '../../../src/reboot/facts.js';
import type { RebootLevel } from '../../../src/reboot/level.js';
import { chooseRebootMethod, softRebootSupported, type RebootFacts } from '../../../src/reboot/methods.js';

type MethodSettings = Pick<Settings, 'rebootMethod' | 'allowSoftReboot' | 'allowKexec'>;

/** This machine's systemd, as `systemctl --version` printed it. */
const DEBIAN12 = parseSystemdVersion(readFileSync('fixtures/config/systemctl-version-252.txt', 'utf8'));

const facts = (over: Partial<RebootFacts> = {}): RebootFacts => ({
  systemdVersion: DEBIAN12,
  kexecAvailable: false,
  rebootmgrActive: false,
  nextRootPreparable: true,
  level: 'reboot',
  ...over,
});
const settings = (over: Partial<MethodSettings> = {}): MethodSettings => ({
  rebootMethod: 'systemd',
  allowSoftReboot: true,
  allowKexec: false,
  ...over,
});
const mechanism = (f: Partial<RebootFacts>, s: Partial<MethodSettings>) => chooseRebootMethod(facts(f), settings(s)).mechanism;

describe('parseSystemdVersion', () => {
  it('reads the recorded version line', () => {
    expect(DEBIAN12).toBe(252);
    expect(parseSystemdVersion('systemd 256 (256.7-1)\n+PAM')).toBe(256);
    expect(parseSystemdVersion('something else')).toBeUndefined();
  });
});

describe('chooseRebootMethod', () => {
  it('a full reboot that --full asked for says so instead of blaming the change', () => {
    expect(chooseRebootMethod(facts({ fullRequested: true }), settings()).reason).toBe('REBOOT_METHOD=systemd: a full reboot, as --full asks');
    expect(chooseRebootMethod(facts(), settings()).reason).toBe('REBOOT_METHOD=systemd: the change needs a full reboot');
    expect(chooseRebootMethod(facts({ fullRequested: true, kexecAvailable: true }), settings({ rebootMethod: 'kexec' }))).toEqual({
      method: 'kexec',
      mechanism: 'reboot',
      reason: 'REBOOT_METHOD=kexec, but --full asks for a full reboot',
    });
  });

  it('auto is rebootmgr when it runs, else systemd (as openSUSE)', () => {
    expect(chooseRebootMethod(facts({ rebootmgrActive: true }), settings({ rebootMethod: 'auto' }))).toMatchObject({ method: 'rebootmgr', mechanism: 'rebootmgr' });
    expect(chooseRebootMethod(facts(), settings({ rebootMethod: 'auto' }))).toMatchObject({ method: 'systemd', mechanism: 'reboot' });
  });

  it('systemd soft-reboots only with systemd >= 254, a change that allows it, and permission', () => {
    expect(softRebootSupported({ systemdVersion: DEBIAN12 })).toBe(false);
    expect(softRebootSupported({ systemdVersion: 254 })).toBe(true);
    expect(mechanism({ level: 'soft-reboot', systemdVersion: 256 }, {})).toBe('soft-reboot');
    expect(mechanism({ level: 'soft-reboot' }, {})).toBe('reboot');
    expect(chooseRebootMethod(facts({ level: 'soft-reboot' }), settings()).reason).toBe(
      'REBOOT_METHOD=systemd: a soft-reboot would do, but systemd 252 has none (needs 254); a full reboot instead',
    );
    expect(mechanism({ level: 'soft-reboot', systemdVersion: 256 }, { allowSoftReboot: false })).toBe('reboot');
    expect(chooseRebootMethod(facts({ level: 'soft-reboot', systemdVersion: 256, nextRootPreparable: false }), settings())).toEqual({
      method: 'systemd',
      mechanism: 'reboot',
      reason: 'REBOOT_METHOD=systemd: a soft-reboot would do, but the new snapshot cannot be prepared as the next root here; a full reboot instead',
    });
    // The boot code says why: the line names it.
    const disagree = "the next-boot pointers disagree (GRUB's names 4, the Btrfs default 5)";
    expect(
      chooseRebootMethod(facts({ level: 'soft-reboot', systemdVersion: 257, nextRootPreparable: false, nextRootRefusal: disagree }), settings()).reason,
    ).toBe(`REBOOT_METHOD=systemd: a soft-reboot would do, but ${disagree}; a full reboot instead`);
    expect(mechanism({ level: 'kexec', systemdVersion: 256 }, {})).toBe('reboot');
    expect(mechanism({ level: 'reboot', systemdVersion: 256 }, {})).toBe('reboot');
  });

  it('systemd kexecs a kernel change only when allowed and possible', () => {
    expect(mechanism({ level: 'kexec', kexecAvailable: true }, { allowKexec: true })).toBe('kexec');
    expect(mechanism({ level: 'kexec', kexecAvailable: false }, { allowKexec: true })).toBe('reboot');
    expect(mechanism({ level: 'kexec', kexecAvailable: true }, { allowKexec: false })).toBe('reboot');
    expect(mechanism({ level: 'reboot', kexecAvailable: true }, { allowKexec: true })).toBe('reboot');
  });

  it('kexec is used up to its level, a boot loader change reboots, and missing kexec is an error', () => {
    for (const level of ['soft-reboot', 'kexec'] as RebootLevel[]) {
      expect(mechanism({ level, kexecAvailable: true }, { rebootMethod: 'kexec' })).toBe('kexec');
    }
    expect(mechanism({ level: 'reboot', kexecAvailable: true }, { rebootMethod: 'kexec' })).toBe('reboot');
    expect(() => mechanism({ level: 'kexec' }, { rebootMethod: 'kexec' })).toThrow(TuError);
    expect(() => mechanism({ level: 'kexec' }, { rebootMethod: 'kexec' })).toThrow(
      'REBOOT_METHOD=kexec, but kexec cannot be used here (kexec-tools missing or the kernel has no kexec support)',
    );
  });

  it('systemd and kexec need systemd as PID 1', () => {
    expect(() => mechanism({ systemdVersion: undefined }, {})).toThrow('REBOOT_METHOD=systemd, but systemd is not running as PID 1 here');
    expect(() => mechanism({ systemdVersion: undefined, kexecAvailable: true, level: 'kexec' }, { rebootMethod: 'kexec' })).toThrow('not running as PID 1');
  });

  it('signalling and custom methods are taken as configured, whatever the facts', () => {
    for (const m of ['kured', 'rebootmgr', 'notify', 'command', 'none'] as const) {
      expect(chooseRebootMethod(facts({ systemdVersion: undefined }), settings({ rebootMethod: m }))).toMatchObject({ method: m, mechanism: m });
    }
  });
});
