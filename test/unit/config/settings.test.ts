import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigValues } from '../../../src/config/load.js';
import { resolveSettings } from '../../../src/config/settings.js';
import { TuError } from '../../../src/errors.js';

const ETC = '/etc/transactional-update.conf';

function config(values: Record<string, string>, file = ETC): ConfigValues {
  return { values, sources: Object.fromEntries(Object.keys(values).map((k) => [k, file])) };
}

function errorOf(values: Record<string, string>): TuError {
  try {
    resolveSettings(config(values));
  } catch (error) {
    expect(error).toBeInstanceOf(TuError);
    return error as TuError;
  }
  throw new Error('no error');
}

describe('resolveSettings', () => {
  it('has documented defaults', () => {
    const s = resolveSettings(config({}));
    expect(s).toMatchObject({
      rebootMethod: 'auto',
      updateMethod: 'up',
      rebootCommand: undefined,
      rebootWindows: [],
      rebootRandomDelayMs: 30 * 60_000,
      allowSoftReboot: true,
      allowKexec: false,
      bootAttempts: 3,
      healthCheckTimeoutMs: 5 * 60_000,
      keepSnapshots: 10,
      fleet: {},
      warnings: [],
    });
    expect(s.rebootTimeZone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(resolveSettings(config({}), { localTimeZone: 'Asia/Tokyo' }).rebootTimeZone).toBe('Asia/Tokyo');
    expect(resolveSettings(config({ REBOOT_TIMEZONE: 'UTC' }), { localTimeZone: 'Asia/Tokyo' }).rebootTimeZone).toBe('UTC');
  });

  it('reads the layered fixture', () => {
    const s = resolveSettings(loadConfig({ root: resolve('fixtures/config/layered') }));
    expect(s.rebootMethod).toBe('command');
    expect(s.updateMethod).toBe('dup');
    expect(s.rebootCommand).toEqual(['/usr/local/bin/site-reboot', '--reason', 'update']);
    expect(s.rebootTimeZone).toBe('Europe/Berlin');
    expect(s.rebootRandomDelayMs).toBe(45 * 60_000);
    expect(s.rebootWindows.map((w) => [w.days, w.startMinutes, w.lengthMs])).toEqual([
      [[1, 2, 3, 4, 5], 120, 2 * 3_600_000],
      [[0, 6], 210, 90 * 60_000],
    ]);
    expect(s.warnings).toEqual([]);
  });

  it("reads an openSUSE administrator's file, warning about keys it does not use", () => {
    const file = resolve('fixtures/config/opensuse/transactional-update.conf');
    const s = resolveSettings(loadConfig({ root: '/nonexistent', file }));
    expect(s.rebootMethod).toBe('rebootmgr');
    expect(s.updateMethod).toBe('dup');
    expect(s.allowSoftReboot).toBe(false);
    expect(s.allowKexec).toBe(true);
    expect(s.warnings).toEqual([
      `ignoring ZYPPER_AUTO_IMPORT_KEYS in ${file}: an openSUSE setting this tool does not use`,
      `ignoring BINDDIRS[0] in ${file}: an openSUSE setting this tool does not use`,
    ]);
  });

  it('names key, value, file and the expected values of a bad value', () => {
    expect(errorOf({ REBOOT_METHOD: 'sometimes' }).message).toBe(
      `invalid REBOOT_METHOD 'sometimes' in ${ETC} (expected one of: auto, systemd, kexec, kured, rebootmgr, notify, command, none)`,
    );
    expect(errorOf({ REBOOT_METHOD: 'sometimes' }).exitCode).toBe(1);
    expect(errorOf({ UPDATE_METHOD: 'patch' }).message).toBe(`invalid UPDATE_METHOD 'patch' in ${ETC} (expected one of: up, dup)`);
    expect(errorOf({ BOOT_ATTEMPTS: '0' }).message).toBe(`invalid BOOT_ATTEMPTS '0' in ${ETC} (expected a whole number from 1 to 9)`);
    expect(errorOf({ KEEP_SNAPSHOTS: 'ten' }).message).toBe(`invalid KEEP_SNAPSHOTS 'ten' in ${ETC} (expected a whole number from 1 to 1000)`);
    expect(errorOf({ REBOOT_RANDOM_DELAY: 'a while' }).message).toBe(
      `invalid REBOOT_RANDOM_DELAY 'a while' in ${ETC} (expected a duration such as 90s, 30m or 2h, at most 7d)`,
    );
    expect(errorOf({ HEALTH_CHECK_TIMEOUT: '0' }).message).toBe(
      `invalid HEALTH_CHECK_TIMEOUT '0' in ${ETC} (expected a duration such as 90s, 30m or 2h, more than 0, at most 1d)`,
    );
    expect(errorOf({ REBOOT_TIMEZONE: 'Mars/Olympus' }).message).toBe(
      `invalid REBOOT_TIMEZONE 'Mars/Olympus' in ${ETC} (expected an IANA time zone such as Europe/Berlin or UTC)`,
    );
    expect(errorOf({ REBOOT_ALLOW_KEXEC: 'maybe' }).message).toBe(`invalid REBOOT_ALLOW_KEXEC 'maybe' in ${ETC} (expected yes or no)`);
    expect(errorOf({ REBOOT_WINDOWS: 'Mon 25:00 1h' }).message).toBe(
      `invalid REBOOT_WINDOWS 'Mon 25:00 1h' in ${ETC} ('25:00' is not a time of day (00:00 to 23:59); expected e.g. "Mon..Fri 02:00 2h; Sat,Sun 03:30 90m")`,
    );
    expect(errorOf({ REBOOT_COMMAND: 'x $(y)' }).message).toBe(
      `invalid REBOOT_COMMAND 'x $(y)' in ${ETC} (command substitution ($(…)) is not allowed: the file is never run by a shell; it is split into words like a shell would, but never run by one)`,
    );
  });

  it('reports every problem at once', () => {
    const message = errorOf({ REBOOT_METHOD: 'sometimes', UPDATE_METHOD: 'x', BOOT_ATTEMPTS: '99' }).message;
    expect(message.split('; invalid ')).toHaveLength(3);
  });

  it('needs REBOOT_COMMAND for the command method', () => {
    expect(errorOf({ REBOOT_METHOD: 'command' }).message).toBe(
      `REBOOT_METHOD=command in ${ETC} needs REBOOT_COMMAND (the program to run, with its arguments)`,
    );
    expect(errorOf({ REBOOT_METHOD: 'command', REBOOT_COMMAND: '   ' }).message).toMatch(/needs REBOOT_COMMAND/);
  });

  it('treats an empty value like an unset one', () => {
    expect(resolveSettings(config({ REBOOT_METHOD: '', KEEP_SNAPSHOTS: '' })).rebootMethod).toBe('auto');
  });

  it('accepts yes/no spellings', () => {
    expect(resolveSettings(config({ REBOOT_ALLOW_SOFT_REBOOT: 'False', REBOOT_ALLOW_KEXEC: 'on' }))).toMatchObject({
      allowSoftReboot: false,
      allowKexec: true,
    });
  });

  it('passes the fleet keys through raw and warns about unknown keys', () => {
    const s = resolveSettings(
      config({
        REBOOT_LOCK: 'etcd',
        ETCD_ENDPOINTS: 'https://a:2379',
        FLEET_SLOTS: 'not validated here',
        FLEETLOCK_URL: 'http://x',
        REBOOT_METOD: 'systemd',
      }),
    );
    expect(s.fleet).toEqual({ REBOOT_LOCK: 'etcd', ETCD_ENDPOINTS: 'https://a:2379', FLEET_SLOTS: 'not validated here', FLEETLOCK_URL: 'http://x' });
    expect(s.warnings).toEqual([`unknown key REBOOT_METOD in ${ETC} (ignored)`]);
  });

  it('escapes control characters in values it quotes', () => {
    expect(errorOf({ REBOOT_METHOD: 'a\x1b[2Jb' }).message).toContain("'a\\x1b[2Jb'");
  });
});
