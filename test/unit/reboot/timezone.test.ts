import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInZone, instantOfWallTime, isValidTimeZone, localTimeZone, offsetAt, systemTimeZone, wallTimeAt } from '../../../src/reboot/timezone.js';

/** Transitions recorded from the system's tzdata with zdump (fixtures/tz/zdump-2026.txt). */
interface ZdumpLine {
  zone: string;
  instant: number;
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number };
  gmtoff: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parseZdump(text: string): ZdumpLine[] {
  const re = /^(\S+)\s+\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) UT = \w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) \S+ isdst=\d gmtoff=(-?\d+)$/;
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = re.exec(line);
      if (!m) throw new Error(`unparsed zdump line: ${line}`);
      const n = (i: number) => Number(m[i]);
      return {
        zone: m[1]!,
        instant: Date.UTC(n(7), MONTHS.indexOf(m[2]!), n(3), n(4), n(5), n(6)),
        local: { year: n(13), month: MONTHS.indexOf(m[8]!) + 1, day: n(9), hour: n(10), minute: n(11), second: n(12) },
        gmtoff: n(14) * 1000,
      };
    });
}

const lines = parseZdump(readFileSync('fixtures/tz/zdump-2026.txt', 'utf8'));
/** zdump prints each transition as the last second before it and the first second after. */
const transitions = lines.flatMap((line, i) => (i % 2 === 0 ? [{ before: line, after: lines[i + 1]! }] : []));

describe('time zones through Intl, checked against zdump', () => {
  it('has the transitions of the fixture', () => {
    expect(transitions).toHaveLength(6);
    for (const t of transitions) expect(t.after.instant - t.before.instant).toBe(1000);
  });

  it.each(transitions.map((t) => [t.before.zone, new Date(t.after.instant).toISOString(), t] as const))(
    '%s %s: offsets and wall times on both sides',
    (_zone, _at, { before, after }) => {
      expect(offsetAt(before.instant, before.zone)).toBe(before.gmtoff);
      expect(offsetAt(after.instant, after.zone)).toBe(after.gmtoff);
      expect(wallTimeAt(before.instant, before.zone)).toMatchObject(before.local);
      expect(wallTimeAt(after.instant, after.zone)).toMatchObject(after.local);
    },
  );

  it.each(transitions.map((t) => [t.before.zone, new Date(t.after.instant).toISOString(), t] as const))(
    '%s %s: a wall time in the gap starts at the change, one in the overlap at its first occurrence',
    (zone, _at, { before, after }) => {
      const shift = after.gmtoff - before.gmtoff;
      // The local wall time the change happens at, read with the old offset.
      const changeWall = after.instant + before.gmtoff;
      // Spring forward: 15 minutes after it lies in the gap. Fall back: 15 minutes before it
      // happens twice (once before the change, once after).
      const wall = new Date(changeWall + (shift > 0 ? 15 : -15) * 60_000);
      const w = { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes() };
      const instant = instantOfWallTime(w, zone).getTime();
      if (shift > 0) {
        expect(instant).toBe(after.instant);
      } else {
        expect(instant).toBe(after.instant - 15 * 60_000);
        // The second occurrence exists too, and is not the one chosen.
        expect(wallTimeAt(after.instant - 15 * 60_000 - shift, zone)).toMatchObject({ hour: w.hour, minute: w.minute });
      }
    },
  );

  it('converts ordinary wall times both ways', () => {
    const instant = instantOfWallTime({ year: 2026, month: 7, day: 1, hour: 2, minute: 30 }, 'Europe/Berlin');
    expect(instant.toISOString()).toBe('2026-07-01T00:30:00.000Z');
    expect(wallTimeAt(instant, 'Europe/Berlin')).toEqual({ year: 2026, month: 7, day: 1, hour: 2, minute: 30, second: 0, weekday: 3 });
    expect(instantOfWallTime({ year: 2026, month: 1, day: 15, hour: 23, minute: 59 }, 'America/New_York').toISOString()).toBe(
      '2026-01-16T04:59:00.000Z',
    );
  });

  it('knows valid zone names and formats instants as read locally', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(formatInZone(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29 03:00 +02:00');
    expect(formatInZone(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30 -05:00');
    expect(formatInZone(new Date('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toBe('2026-10-04 02:30 +11:00');
  });
});

describe('systemTimeZone', () => {
  it("reads the managed system's /etc/localtime link, then /etc/timezone, then the process's zone", () => {
    const root = mkdtempSync(join(tmpdir(), 'tu-tz-'));
    try {
      mkdirSync(join(root, 'etc'));
      expect(systemTimeZone(root)).toBe(localTimeZone());
      writeFileSync(join(root, 'etc/timezone'), 'America/New_York\n');
      expect(systemTimeZone(root)).toBe('America/New_York');
      symlinkSync('../usr/share/zoneinfo/Europe/Berlin', join(root, 'etc/localtime'));
      expect(systemTimeZone(root)).toBe('Europe/Berlin');
      rmSync(join(root, 'etc/localtime'));
      symlinkSync('/usr/share/zoneinfo/Not/AZone', join(root, 'etc/localtime'));
      expect(systemTimeZone(root)).toBe('America/New_York');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
