import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/reboot/random.js';
import { isInsideWindow, nextWindow, parseWindows, rebootTime, WindowSyntaxError } from '../../../src/reboot/window.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();
const next = (now: string, windows: string, tz: string) => {
  const w = nextWindow(at(now), parseWindows(windows), tz);
  return w && [iso(w.start), iso(w.end)];
};

describe('parseWindows', () => {
  it('reads days, ranges, lists, times and lengths', () => {
    const windows = parseWindows('Mon..Fri 02:00 2h; Sat,Sun 03:30 90m');
    expect(windows.map((w) => ({ days: w.days, startMinutes: w.startMinutes, lengthMs: w.lengthMs, text: w.text }))).toEqual([
      { days: [1, 2, 3, 4, 5], startMinutes: 120, lengthMs: 7_200_000, text: 'Mon..Fri 02:00 2h' },
      { days: [0, 6], startMinutes: 210, lengthMs: 5_400_000, text: 'Sat,Sun 03:30 90m' },
    ]);
  });

  it('accepts wrapping ranges, full names, any case, spaces, new lines and *', () => {
    expect(parseWindows('Fri..Mon 23:00 1h')[0]!.days).toEqual([0, 1, 5, 6]);
    expect(parseWindows('saturday, SUNDAY 1:05 1h30m')[0]).toMatchObject({ days: [0, 6], startMinutes: 65, lengthMs: 5_400_000 });
    expect(parseWindows('* 04:00 30m\nWed 12:00 1h;')).toHaveLength(2);
    expect(parseWindows('* 04:00 30m')[0]!.days).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(parseWindows('  ;  ')).toEqual([]);
  });

  it.each([
    ['Mon 02:00', "'Mon 02:00' is not DAYS HH:MM LENGTH"],
    ['Mon 24:00 1h', "'24:00' is not a time of day (00:00 to 23:59)"],
    ['Mon 02:60 1h', "'02:60' is not a time of day (00:00 to 23:59)"],
    ['Mon 02:00 120', "'120' is not a length such as 90m, 2h or 1h30m"],
    ['Mon 02:00 0m', "length '0m' must be more than 0 and at most 7d"],
    ['Mon 02:00 8d', "length '8d' must be more than 0 and at most 7d"],
    ['Mo 02:00 1h', "'Mo' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)"],
    ['Mon-Fri 02:00 1h', "'Mon-Fri' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun); a range is written Mon..Fri"],
    ['Mon..Tue..Wed 02:00 1h', "'Mon..Tue..Wed' is not a day or a range of days such as Mon..Fri"],
  ])('refuses %j', (text, message) => {
    expect(() => parseWindows(text)).toThrow(WindowSyntaxError);
    expect(() => parseWindows(text)).toThrow(message);
  });
});

describe('windows in time', () => {
  // 2026-01-02 is a Friday.
  it('crosses midnight: a Friday window runs into Saturday', () => {
    const w = 'Fri 23:00 3h';
    expect(isInsideWindow(at('2026-01-02T22:59:59Z'), parseWindows(w), 'UTC')).toBe(false);
    expect(isInsideWindow(at('2026-01-02T23:00:00Z'), parseWindows(w), 'UTC')).toBe(true);
    expect(isInsideWindow(at('2026-01-03T01:59:59Z'), parseWindows(w), 'UTC')).toBe(true);
    expect(isInsideWindow(at('2026-01-03T02:00:00Z'), parseWindows(w), 'UTC')).toBe(false);
    expect(next('2026-01-03T01:00:00Z', w, 'UTC')).toEqual(['2026-01-02T23:00:00.000Z', '2026-01-03T02:00:00.000Z']);
    expect(next('2026-01-03T02:00:00Z', w, 'UTC')).toEqual(['2026-01-09T23:00:00.000Z', '2026-01-10T02:00:00.000Z']);
  });

  it("wraps the week's end: a Sunday window runs into Monday, and next week is found", () => {
    // 2026-01-04 is a Sunday.
    const w = 'Sun 23:00 3h';
    expect(isInsideWindow(at('2026-01-05T01:30:00Z'), parseWindows(w), 'UTC')).toBe(true);
    expect(next('2026-01-05T01:30:00Z', w, 'UTC')).toEqual(['2026-01-04T23:00:00.000Z', '2026-01-05T02:00:00.000Z']);
    expect(next('2026-01-05T03:00:00Z', w, 'UTC')).toEqual(['2026-01-11T23:00:00.000Z', '2026-01-12T02:00:00.000Z']);
    // A wrapping range: Sat..Mon, asked on a Wednesday.
    expect(next('2026-01-07T12:00:00Z', 'Sat..Mon 01:00 1h', 'UTC')).toEqual(['2026-01-10T01:00:00.000Z', '2026-01-10T02:00:00.000Z']);
    // A long window that started last week.
    expect(next('2026-01-03T12:00:00Z', 'Sun 00:00 6d13h', 'UTC')).toEqual(['2025-12-28T00:00:00.000Z', '2026-01-03T13:00:00.000Z']);
  });

  it('uses the local time of the zone, not UTC', () => {
    // 02:00 in New York in January is 07:00 UTC; at 03:00 UTC (22:00 Thursday local) the window is ahead.
    expect(next('2026-01-02T03:00:00Z', 'Fri 02:00 1h', 'America/New_York')).toEqual(['2026-01-02T07:00:00.000Z', '2026-01-02T08:00:00.000Z']);
  });

  it('merges overlapping and touching windows', () => {
    expect(next('2026-01-05T00:00:00Z', 'Mon 01:00 2h; Mon 02:00 2h', 'UTC')).toEqual(['2026-01-05T01:00:00.000Z', '2026-01-05T04:00:00.000Z']);
    expect(next('2026-01-05T00:00:00Z', 'Mon 01:00 1h; Mon 02:00 1h', 'UTC')).toEqual(['2026-01-05T01:00:00.000Z', '2026-01-05T03:00:00.000Z']);
  });

  it('has no window when none is configured', () => {
    expect(nextWindow(at('2026-01-05T00:00:00Z'), [], 'UTC')).toBeUndefined();
    expect(isInsideWindow(at('2026-01-05T00:00:00Z'), [], 'UTC')).toBe(false);
  });
});

describe('daylight saving', () => {
  describe('Europe/Berlin, spring forward 2026-03-29 02:00 CET → 03:00 CEST', () => {
    it('starts a window at the missing 02:30 at the first valid instant, 03:00 CEST, for its full length', () => {
      expect(next('2026-03-28T12:00:00Z', 'Sun 02:30 2h', 'Europe/Berlin')).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z']);
      expect(next('2026-03-28T12:00:00Z', 'Sun 02:00 1h', 'Europe/Berlin')).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z']);
    });

    it('lasts its real length across the change', () => {
      // 01:30 CET + 2h of real time ends at 04:30 CEST.
      expect(next('2026-03-28T12:00:00Z', 'Sun 01:30 2h', 'Europe/Berlin')).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T02:30:00.000Z']);
    });

    it('finds the window of the day after at its summer time', () => {
      expect(next('2026-03-29T05:00:00Z', '* 02:30 1h', 'Europe/Berlin')).toEqual(['2026-03-30T00:30:00.000Z', '2026-03-30T01:30:00.000Z']);
    });
  });

  describe('Europe/Berlin, fall back 2026-10-25 03:00 CEST → 02:00 CET', () => {
    it('uses the first occurrence of 02:30 and lasts its real length', () => {
      expect(next('2026-10-24T12:00:00Z', 'Sun 02:30 1h', 'Europe/Berlin')).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
      // 02:15 CET (the second time the clock shows 02:15) is inside; 02:45 CET is not.
      const windows = parseWindows('Sun 02:30 1h');
      expect(isInsideWindow(at('2026-10-25T01:15:00Z'), windows, 'Europe/Berlin')).toBe(true);
      expect(isInsideWindow(at('2026-10-25T01:45:00Z'), windows, 'Europe/Berlin')).toBe(false);
    });

    it('a window across the change lasts 3 real hours though the clock moves 2', () => {
      expect(next('2026-10-24T12:00:00Z', 'Sun 01:00 3h', 'Europe/Berlin')).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T02:00:00.000Z']);
    });
  });

  describe('America/New_York, 2026-03-08 and 2026-11-01', () => {
    it('spring forward: 02:30 does not exist, the window starts at 03:00 EDT', () => {
      expect(next('2026-03-07T12:00:00Z', 'Sun 02:30 1h', 'America/New_York')).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-08T08:00:00.000Z']);
    });

    it('fall back: 01:30 happens twice, the first (EDT) is used', () => {
      expect(next('2026-10-31T12:00:00Z', 'Sun 01:30 1h', 'America/New_York')).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']);
      // A Saturday window running through the night of the change: 23:00 EDT + 4h = 02:00 EST.
      expect(next('2026-10-31T12:00:00Z', 'Sat 23:00 4h', 'America/New_York')).toEqual(['2026-11-01T03:00:00.000Z', '2026-11-01T07:00:00.000Z']);
    });
  });

  it('Australia/Lord_Howe: a half-hour change, 02:15 on 2026-10-04 starts at 02:30 +11', () => {
    expect(next('2026-10-03T00:00:00Z', 'Sun 02:15 1h', 'Australia/Lord_Howe')).toEqual(['2026-10-03T15:30:00.000Z', '2026-10-03T16:30:00.000Z']);
  });
});

describe('rebootTime', () => {
  const window = { start: at('2026-01-05T02:00:00Z'), end: at('2026-01-05T04:00:00Z') };

  it('spreads over the first REBOOT_RANDOM_DELAY of the window with a seeded source', () => {
    const random = seededRandom('machine-a/12');
    const times = Array.from({ length: 500 }, () => rebootTime(window, random, 30 * 60_000).getTime());
    const start = window.start.getTime();
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThan(start + 30 * 60_000);
    }
    // Spread, not clumped: both halves of the range are used.
    expect(times.some((t) => t < start + 15 * 60_000)).toBe(true);
    expect(times.some((t) => t >= start + 15 * 60_000)).toBe(true);
  });

  it('is the same for the same seed, so repeated timer runs agree', () => {
    const a = rebootTime(window, seededRandom('machine-a/12'), 30 * 60_000);
    const b = rebootTime(window, seededRandom('machine-a/12'), 30 * 60_000);
    const c = rebootTime(window, seededRandom('machine-b/12'), 30 * 60_000);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('never goes past the end of a window shorter than the delay', () => {
    const short = { start: at('2026-01-05T02:00:00Z'), end: at('2026-01-05T02:10:00Z') };
    const random = seededRandom('short');
    for (let i = 0; i < 500; i += 1) expect(rebootTime(short, random, 2 * 3_600_000).getTime()).toBeLessThan(short.end.getTime());
    expect(rebootTime(short, () => 0.9999999999, 2 * 3_600_000).getTime()).toBeLessThan(short.end.getTime());
    // A source outside [0, 1) is clamped, never trusted.
    expect(rebootTime(short, () => 1, 2 * 3_600_000).toISOString()).toBe('2026-01-05T02:09:59.999Z');
    expect(rebootTime(short, () => Number.NaN, 2 * 3_600_000)).toEqual(short.start);
    expect(rebootTime(short, () => -3, 2 * 3_600_000)).toEqual(short.start);
  });

  it('reboots at the start with no delay', () => {
    expect(rebootTime(window, () => 0.7, 0)).toEqual(window.start);
    expect(rebootTime(window, () => 0.5, 60 * 60_000).toISOString()).toBe('2026-01-05T02:30:00.000Z');
  });
});
