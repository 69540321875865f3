/**
 * Typed, validated settings from the loaded configuration values. Every problem is collected
 * and reported at once, each naming the key, the value and the file; a bad value is never
 * replaced by a default. Unknown keys are warnings (openSUSE's files carry keys we do not use).
 * The fleet keys stay raw here: src/reboot/fleet/settings.ts validates them.
 */
import { TuError } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { formatDurationMs, parseDurationMs } from './duration.js';
import type { ConfigValues } from './load.js';
import { ShellSyntaxError, splitShellWords } from './shellWord.js';
import { parseWindows, WindowSyntaxError, type MaintenanceWindow } from '../reboot/window.js';
import { isValidTimeZone, localTimeZone } from '../reboot/timezone.js';

export const REBOOT_METHODS = ['auto', 'systemd', 'kexec', 'kured', 'rebootmgr', 'notify', 'command', 'none'] as const;
export type RebootMethod = (typeof REBOOT_METHODS)[number];
export const UPDATE_METHODS = ['up', 'dup'] as const;
export type UpdateMethod = (typeof UPDATE_METHODS)[number];

export interface Settings {
  rebootMethod: RebootMethod;
  updateMethod: UpdateMethod;
  /** REBOOT_COMMAND split into an argument vector (set whenever the key is). */
  rebootCommand: string[] | undefined;
  /** Empty: no windows, a pending reboot may happen at any time. */
  rebootWindows: MaintenanceWindow[];
  /** IANA name; the local zone when REBOOT_TIMEZONE is not set. */
  rebootTimeZone: string;
  rebootRandomDelayMs: number;
  /** The systemd method may soft-reboot when the change allows it (openSUSE's tukit.conf key). */
  allowSoftReboot: boolean;
  /** The systemd method may kexec when the change allows it (openSUSE's tukit.conf key). */
  allowKexec: boolean;
  bootAttempts: number;
  healthCheckTimeoutMs: number;
  keepSnapshots: number;
  /** REBOOT_LOCK, ETCD_*, FLEETLOCK_*, FLEET_*, as written (see src/reboot/fleet/settings.ts). */
  fleet: Record<string, string>;
  /** key → file, for every key that was set. */
  sources: Record<string, string>;
  /** Unknown or ignored keys, one line each, for the caller to log. */
  warnings: string[];
}

export const DEFAULTS = {
  REBOOT_METHOD: 'auto',
  UPDATE_METHOD: 'up',
  REBOOT_RANDOM_DELAY: '30m',
  REBOOT_ALLOW_SOFT_REBOOT: 'yes',
  REBOOT_ALLOW_KEXEC: 'no',
  BOOT_ATTEMPTS: '3',
  HEALTH_CHECK_TIMEOUT: '5m',
  KEEP_SNAPSHOTS: '10',
} as const;

export const BOOT_ATTEMPTS_MAX = 9;
export const KEEP_SNAPSHOTS_MAX = 1000;

/** Keys this module reads. */
export const SETTINGS_KEYS = [
  'REBOOT_METHOD', 'UPDATE_METHOD', 'REBOOT_COMMAND', 'REBOOT_WINDOWS', 'REBOOT_TIMEZONE',
  'REBOOT_RANDOM_DELAY', 'REBOOT_ALLOW_SOFT_REBOOT', 'REBOOT_ALLOW_KEXEC', 'BOOT_ATTEMPTS',
  'HEALTH_CHECK_TIMEOUT', 'KEEP_SNAPSHOTS',
] as const;
const KNOWN_KEYS = new Set<string>(SETTINGS_KEYS);
/** The fleet's keys, validated by src/reboot/fleet/settings.ts. */
export const FLEET_KEYS = [
  'REBOOT_LOCK', 'ETCD_ENDPOINTS', 'ETCD_CA_FILE', 'ETCD_CERT_FILE', 'ETCD_KEY_FILE', 'ETCD_USER',
  'ETCD_PASSWORD', 'FLEET_GROUP', 'FLEET_NODE_ID', 'FLEET_SLOTS', 'FLEET_DEADLINE', 'FLEETLOCK_URL',
] as const;
/** openSUSE's keys that have no meaning here (zypper key import, tukit's bind mounts, …). */
const OPENSUSE_IGNORED = /^(ZYPPER_AUTO_IMPORT_KEYS|BINDDIRS(\[\d+\])?|DRACUT_SYSROOT|LOCKFILE)$/;
const FLEET_KEY = /^(REBOOT_LOCK|ETCD_[A-Z0-9_]+|FLEETLOCK_[A-Z0-9_]+|FLEET_[A-Z0-9_]+)$/;

const TRUE_WORDS = ['yes', 'true', '1', 'on'];
const FALSE_WORDS = ['no', 'false', '0', 'off'];

/**
 * `system.localTimeZone` is the managed system's zone (systemTimeZone(root)), the default of
 * REBOOT_TIMEZONE; without it, this process's zone.
 */
export function resolveSettings(config: ConfigValues, system: { localTimeZone?: string } = {}): Settings {
  const problems: string[] = [];
  const warnings: string[] = [];
  const where = (key: string) => (config.sources[key] ? ` in ${escapeControl(config.sources[key])}` : '');
  /** The value, or undefined when unset or empty (an empty value is the same as a commented-out line). */
  const get = (key: string): string | undefined => {
    const value = config.values[key];
    return value === undefined || value === '' ? undefined : value;
  };
  const bad = (key: string, expected: string): undefined => {
    problems.push(`invalid ${key} '${escapeControl(config.values[key] ?? '')}'${where(key)} (${expected})`);
    return undefined;
  };

  const oneOf = <T extends string>(key: keyof typeof DEFAULTS, allowed: readonly T[]): T => {
    const text = get(key) ?? DEFAULTS[key];
    return allowed.find((a) => a === text) ?? (bad(key, `expected one of: ${allowed.join(', ')}`), allowed[0]!);
  };
  const bool = (key: keyof typeof DEFAULTS): boolean => {
    const text = (get(key) ?? DEFAULTS[key]).toLowerCase();
    if (TRUE_WORDS.includes(text)) return true;
    if (FALSE_WORDS.includes(text)) return false;
    bad(key, 'expected yes or no');
    return false;
  };
  const integer = (key: keyof typeof DEFAULTS, min: number, max: number): number => {
    const text = get(key) ?? DEFAULTS[key];
    if (/^\d{1,9}$/.test(text) && Number(text) >= min && Number(text) <= max) return Number(text);
    bad(key, `expected a whole number from ${min} to ${max}`);
    return min;
  };
  const duration = (key: keyof typeof DEFAULTS, minMs: number, maxMs: number): number => {
    const text = get(key) ?? DEFAULTS[key];
    const ms = parseDurationMs(text);
    if (ms !== undefined && ms >= minMs && ms <= maxMs) return ms;
    bad(key, `expected a duration such as 90s, 30m or 2h${minMs > 0 ? ', more than 0' : ''}, at most ${formatDurationMs(maxMs)}`);
    return minMs;
  };

  const rebootMethod = oneOf('REBOOT_METHOD', REBOOT_METHODS);
  const updateMethod = oneOf('UPDATE_METHOD', UPDATE_METHODS);

  let rebootCommand: string[] | undefined;
  let commandInvalid = false;
  const commandText = get('REBOOT_COMMAND');
  if (commandText !== undefined) {
    try {
      rebootCommand = splitShellWords(commandText);
      if (rebootCommand.length === 0) rebootCommand = undefined;
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      commandInvalid = true;
      bad('REBOOT_COMMAND', `${error.message}; it is split into words like a shell would, but never run by one`);
    }
  }
  if (rebootMethod === 'command' && rebootCommand === undefined && !commandInvalid) {
    problems.push(`REBOOT_METHOD=command${where('REBOOT_METHOD')} needs REBOOT_COMMAND (the program to run, with its arguments)`);
  }

  let rebootWindows: MaintenanceWindow[] = [];
  const windowsText = get('REBOOT_WINDOWS');
  if (windowsText !== undefined) {
    try {
      rebootWindows = parseWindows(windowsText);
    } catch (error) {
      if (!(error instanceof WindowSyntaxError)) throw error;
      bad('REBOOT_WINDOWS', `${error.message}; expected e.g. "Mon..Fri 02:00 2h; Sat,Sun 03:30 90m"`);
    }
  }

  const zoneText = get('REBOOT_TIMEZONE');
  let rebootTimeZone = system.localTimeZone ?? localTimeZone();
  if (zoneText !== undefined) {
    if (isValidTimeZone(zoneText)) rebootTimeZone = zoneText;
    else bad('REBOOT_TIMEZONE', 'expected an IANA time zone such as Europe/Berlin or UTC');
  }

  const settings: Settings = {
    rebootMethod,
    updateMethod,
    rebootCommand,
    rebootWindows,
    rebootTimeZone,
    rebootRandomDelayMs: duration('REBOOT_RANDOM_DELAY', 0, 7 * 86_400_000),
    allowSoftReboot: bool('REBOOT_ALLOW_SOFT_REBOOT'),
    allowKexec: bool('REBOOT_ALLOW_KEXEC'),
    bootAttempts: integer('BOOT_ATTEMPTS', 1, BOOT_ATTEMPTS_MAX),
    healthCheckTimeoutMs: duration('HEALTH_CHECK_TIMEOUT', 1000, 86_400_000),
    keepSnapshots: integer('KEEP_SNAPSHOTS', 1, KEEP_SNAPSHOTS_MAX),
    fleet: {},
    sources: { ...config.sources },
    warnings,
  };

  for (const [key, value] of Object.entries(config.values)) {
    if (FLEET_KEY.test(key)) settings.fleet[key] = value;
    else if (OPENSUSE_IGNORED.test(key)) warnings.push(`ignoring ${key}${where(key)}: an openSUSE setting this tool does not use`);
    else if (!KNOWN_KEYS.has(key)) warnings.push(`unknown key ${key}${where(key)} (ignored)`);
  }

  if (problems.length > 0) {
    throw new TuError(problems.join('; '), { hint: 'fix the configuration; see transactional-update.conf(5)' });
  }
  return settings;
}
