import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs } from '../../../src/config/duration.js';

describe('durations', () => {
  it('reads units and sums, a bare number as seconds', () => {
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(parseDurationMs('30m')).toBe(1_800_000);
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('2d')).toBe(172_800_000);
    expect(parseDurationMs(' 45 ')).toBe(45_000);
    expect(parseDurationMs('0')).toBe(0);
  });

  it('refuses what is not a duration, and a bare number where a unit is required', () => {
    for (const text of ['', 'm', '1.5h', '-1m', '1 h', '2w', 'soon']) expect(parseDurationMs(text), text).toBeUndefined();
    expect(parseDurationMs('120', { requireUnit: true })).toBeUndefined();
    expect(parseDurationMs('0', { requireUnit: true })).toBe(0);
  });

  it('formats so that parsing reads it back', () => {
    for (const ms of [0, 1000, 90_000, 5_400_000, 90_061_000]) expect(parseDurationMs(formatDurationMs(ms))).toBe(ms);
    expect(formatDurationMs(5_400_000)).toBe('1h30m');
  });
});
