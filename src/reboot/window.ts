/**
 * Weekly maintenance windows: pure functions of (now, windows, time zone, random source).
 *
 * Syntax of REBOOT_WINDOWS — windows separated by ';' (or new lines), each
 *   DAYS START LENGTH
 *   DAYS   = DAY or DAY..DAY (a range, may wrap: Fri..Mon), comma-separated, or '*' for every
 *            day; DAY = Mon Tue Wed Thu Fri Sat Sun (or the full English name, any case)
 *   START  = HH:MM, 24-hour local time in REBOOT_TIMEZONE
 *   LENGTH = a duration with units: 90m, 2h, 1h30m, up to 7d
 * e.g. "Mon..Fri 02:00 2h; Sat,Sun 03:30 90m". A window belongs to the day it starts on and
 * may run past midnight and past the end of the week (Sun 23:00 3h ends Monday 02:00).
 * Overlapping or touching windows act as one.
 *
 * Daylight saving (see timezone.ts): a start that falls in the spring-forward gap moves to
 * the first valid instant after it; a start that happens twice at fall-back uses the first
 * occurrence. A window always lasts its real length in elapsed time.
 */
import { parseDurationMs } from '../config/duration.js';
import { addDays, instantOfWallTime, wallTimeAt } from './timezone.js';

export interface MaintenanceWindow {
  /** Days the window starts on: 0 = Sunday … 6 = Saturday, sorted, unique. */
  days: number[];
  /** Start as minutes after local midnight. */
  startMinutes: number;
  lengthMs: number;
  /** The window as written, for messages. */
  text: string;
}

export interface WindowOccurrence {
  start: Date;
  /** Exclusive: the window is over at this instant. */
  end: Date;
}

export class WindowSyntaxError extends Error {
  override name = 'WindowSyntaxError';
}

export const MAX_WINDOW_LENGTH_MS = 7 * 86_400_000;

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Parse REBOOT_WINDOWS. Empty text means no windows (reboot at any time). */
export function parseWindows(text: string): MaintenanceWindow[] {
  return text
    .split(/[;\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseWindow);
}

function parseWindow(entry: string): MaintenanceWindow {
  const match = /^(.+?)\s+(\d{1,2}):(\d{2})\s+(\S+)$/.exec(entry);
  if (!match) throw new WindowSyntaxError(`'${entry}' is not DAYS HH:MM LENGTH`);
  const [, daysText, hourText, minuteText, lengthText] = match as unknown as [string, string, string, string, string];
  const hour = Number(hourText);
  const minute = Number(minuteText);
  if (hour > 23 || minute > 59) throw new WindowSyntaxError(`'${hourText}:${minuteText}' is not a time of day (00:00 to 23:59)`);
  const lengthMs = parseDurationMs(lengthText, { requireUnit: true });
  if (lengthMs === undefined) throw new WindowSyntaxError(`'${lengthText}' is not a length such as 90m, 2h or 1h30m`);
  if (lengthMs <= 0 || lengthMs > MAX_WINDOW_LENGTH_MS) throw new WindowSyntaxError(`length '${lengthText}' must be more than 0 and at most 7d`);
  return { days: parseDays(daysText), startMinutes: hour * 60 + minute, lengthMs, text: entry };
}

function parseDays(text: string): number[] {
  const compact = text.replace(/\s*,\s*/g, ',').replace(/\s*\.\.\s*/g, '..');
  if (compact === '*') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const item of compact.split(',')) {
    const range = item.split('..');
    if (range.length === 1) {
      days.add(dayNumber(item));
    } else if (range.length === 2) {
      const from = dayNumber(range[0]!);
      const to = dayNumber(range[1]!);
      // Ranges may wrap around the week's end: Fri..Mon is Fri, Sat, Sun, Mon.
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    } else {
      throw new WindowSyntaxError(`'${item}' is not a day or a range of days such as Mon..Fri`);
    }
  }
  return [...days].sort((a, b) => a - b);
}

function dayNumber(name: string): number {
  const lower = name.toLowerCase();
  const index = DAY_NAMES.indexOf(lower) >= 0 ? DAY_NAMES.indexOf(lower) : FULL_DAY_NAMES.indexOf(lower);
  if (index < 0) {
    const hint = /^[a-z]+-[a-z]+$/i.test(name) ? `; a range is written ${name.replace('-', '..')}` : '';
    throw new WindowSyntaxError(`'${name}' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)${hint}`);
  }
  return index;
}

/**
 * Every occurrence of the windows that could matter at `now`: starting from 8 local days
 * before (a window lasts at most 7 days) to 8 days after, merged where they overlap or touch,
 * sorted by start.
 */
export function occurrencesAround(now: Date, windows: readonly MaintenanceWindow[], timeZone: string): WindowOccurrence[] {
  const today = wallTimeAt(now, timeZone);
  const raw: WindowOccurrence[] = [];
  for (let offset = -8; offset <= 8; offset += 1) {
    const date = addDays(today, offset);
    for (const window of windows) {
      if (!window.days.includes(date.weekday)) continue;
      const start = instantOfWallTime(
        { ...date, hour: Math.floor(window.startMinutes / 60), minute: window.startMinutes % 60 },
        timeZone,
      );
      raw.push({ start, end: new Date(start.getTime() + window.lengthMs) });
    }
  }
  raw.sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: WindowOccurrence[] = [];
  for (const occurrence of raw) {
    const last = merged.at(-1);
    if (last && occurrence.start.getTime() <= last.end.getTime()) {
      if (occurrence.end.getTime() > last.end.getTime()) last.end = occurrence.end;
    } else {
      merged.push({ ...occurrence });
    }
  }
  return merged;
}

/** True when `now` lies inside a window (start inclusive, end exclusive). */
export function isInsideWindow(now: Date, windows: readonly MaintenanceWindow[], timeZone: string): boolean {
  const t = now.getTime();
  return occurrencesAround(now, windows, timeZone).some((o) => o.start.getTime() <= t && t < o.end.getTime());
}

/**
 * The window `now` is in, or else the next one to open. Undefined only when there are no
 * windows at all.
 */
export function nextWindow(now: Date, windows: readonly MaintenanceWindow[], timeZone: string): WindowOccurrence | undefined {
  const t = now.getTime();
  return occurrencesAround(now, windows, timeZone).find((o) => o.end.getTime() > t);
}

/**
 * When to reboot inside a window: its start plus a random offset below
 * min(maxDelayMs, window length), so a fleet spreads over the window and never reboots after
 * its end. `random` returns a number in [0, 1), like Math.random.
 */
export function rebootTime(window: WindowOccurrence, random: () => number, maxDelayMs: number): Date {
  const start = window.start.getTime();
  const length = window.end.getTime() - start;
  const span = Math.max(0, Math.min(maxDelayMs, length));
  const r = random();
  const fraction = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  const offset = Math.min(Math.floor(fraction * span), Math.max(0, length - 1));
  return new Date(start + offset);
}
