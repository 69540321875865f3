/**
 * Wall-clock time in an IANA time zone, through Intl only (Node ships the tz database with
 * ICU). The one hard part is going from a local wall-clock time to an instant, which is not a
 * function around daylight-saving changes:
 *  - a time in the spring-forward gap does not exist: we take the first valid instant after
 *    it, i.e. the instant of the change (02:30 on 2026-03-29 in Europe/Berlin → 03:00 CEST);
 *  - a time in the fall-back overlap happens twice: we take the first occurrence (02:30 on
 *    2026-10-25 in Europe/Berlin → 02:30 CEST, not CET).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday, of the local date. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === '' || /[\u0000-\u001f]/.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone this process runs in (TZ, else /etc/localtime), as an IANA name. */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The local zone of the system at `root`: the target of its /etc/localtime link
 * (…/zoneinfo/Europe/Berlin, as systemd's timedatectl reads it), else Debian's /etc/timezone,
 * else this process's zone. For root '/' that is what the system's programs use.
 */
export function systemTimeZone(root: string): string {
  try {
    const target = readlinkSync(join(root, 'etc', 'localtime'));
    const match = /(?:^|\/)zoneinfo\/(.+)$/.exec(target);
    if (match && isValidTimeZone(match[1]!)) return match[1]!;
  } catch {
    // Not a link (a copied file) or missing: try the next source.
  }
  try {
    const name = readFileSync(join(root, 'etc', 'timezone'), 'utf8').trim();
    if (isValidTimeZone(name)) return name;
  } catch {
    // Missing: the process's own zone.
  }
  return localTimeZone();
}

/** The local wall-clock time of an instant. */
export function wallTimeAt(instant: Date | number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(typeof instant === 'number' ? new Date(instant) : instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const year = get('year');
  const month = get('month');
  const day = get('day');
  return {
    year,
    month,
    day,
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Local time minus UTC at an instant, in milliseconds (whole seconds: Intl drops the rest). */
export function offsetAt(instantMs: number, timeZone: string): number {
  const seconds = Math.floor(instantMs / 1000) * 1000;
  const w = wallTimeAt(seconds, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - seconds;
}

const DAY_MS = 86_400_000;

/**
 * The instant of a local wall-clock time (seconds are 0). In a gap: the first valid instant
 * after it; in an overlap: the first occurrence (see the top of this file).
 */
export function instantOfWallTime(
  wall: { year: number; month: number; day: number; hour: number; minute: number },
  timeZone: string,
): Date {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // The offsets in force around the time: at most one change happens within a day of it.
  const before = offsetAt(naive - DAY_MS, timeZone);
  const after = offsetAt(naive + DAY_MS, timeZone);
  const candidates = [...new Set([before, offsetAt(naive, timeZone), after])]
    .map((offset) => naive - offset)
    .filter((instant) => offsetAt(instant, timeZone) === naive - instant)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]!);
  // Nothing maps to this wall time: it lies in a gap. The change happened between the
  // instant read with the new offset (before it) and with the old one (after it).
  return new Date(firstInstantWithOffset(naive - after, naive - before, after, timeZone));
}

/** Binary search (whole seconds) for the first instant in [lo, hi] whose offset is `offset`. */
function firstInstantWithOffset(lo: number, hi: number, offset: number, timeZone: string): number {
  let low = Math.floor(lo / 1000);
  let high = Math.ceil(hi / 1000);
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid * 1000, timeZone) === offset) high = mid;
    else low = mid + 1;
  }
  return low * 1000;
}

/** The local date `days` after the given one (calendar arithmetic, no time zone involved). */
export function addDays(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** "2026-03-29 03:00 +02:00" — an instant as read in the zone, with its UTC offset. */
export function formatInZone(instant: Date, timeZone: string): string {
  const w = wallTimeAt(instant, timeZone);
  const offsetMinutes = Math.round(offsetAt(instant.getTime(), timeZone) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
