import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/config/settings.js';
import { rebootStatus } from '../../../src/reboot/status.js';

const settingsOf = (values: Record<string, string>) =>
  resolveSettings({ values, sources: Object.fromEntries(Object.keys(values).map((k) => [k, '/etc/transactional-update.conf'])) });
const WINDOWED = settingsOf({ REBOOT_WINDOWS: 'Sat,Sun 03:30 90m', REBOOT_TIMEZONE: 'America/New_York', REBOOT_RANDOM_DELAY: '1h' });
const PENDING = { snapshot: 9, level: 'kexec' as const, recordedAt: '2026-03-01T00:00:00.000Z' };

describe('rebootStatus', () => {
  it('says when the next window opens and when the reboot is due', () => {
    // Friday 2026-03-06 12:00 UTC; the next window is Saturday 03:30 EST = 08:30 UTC.
    const s = rebootStatus({ now: new Date('2026-03-06T12:00:00Z'), settings: WINDOWED, pending: PENDING, random: () => 0.25 });
    expect(s).toMatchObject({ pending: { snapshot: 9, level: 'kexec' }, inWindow: false, timeZone: 'America/New_York', windows: ['Sat,Sun 03:30 90m'] });
    expect(s.window?.start.toISOString()).toBe('2026-03-07T08:30:00.000Z');
    expect(s.rebootDue?.toISOString()).toBe('2026-03-07T08:45:00.000Z');
    expect(s.summary).toBe('snapshot 9 needs a kexec; the next maintenance window opens at 2026-03-07 03:30 -05:00; reboot due at 2026-03-07 03:45 -05:00');
  });

  it('inside a window after the due time, the reboot is due now', () => {
    const now = new Date('2026-03-07T09:40:00Z');
    const s = rebootStatus({ now, settings: WINDOWED, pending: PENDING, random: () => 0.25 });
    expect(s.inWindow).toBe(true);
    expect(s.rebootDue).toEqual(now);
    expect(s.summary).toBe('snapshot 9 needs a kexec; the maintenance window is open until 2026-03-07 05:00 -05:00; reboot due at 2026-03-07 04:40 -05:00');
  });

  it('without windows or without a pending snapshot', () => {
    const now = new Date('2026-03-07T09:40:00Z');
    expect(rebootStatus({ now, settings: settingsOf({}), pending: PENDING, random: () => 0.5 })).toMatchObject({
      rebootDue: now,
      window: undefined,
      summary: 'snapshot 9 needs a kexec; no maintenance window is configured',
    });
    expect(rebootStatus({ now, settings: WINDOWED, pending: undefined, random: () => 0.5 })).toMatchObject({
      pending: undefined,
      rebootDue: undefined,
      summary: 'no reboot pending; the maintenance window is open until 2026-03-07 05:00 -05:00',
    });
    expect(rebootStatus({ now, settings: WINDOWED, pending: { ...PENDING, level: 'none' }, random: () => 0.5 }).pending).toBeUndefined();
  });
});
