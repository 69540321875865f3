/**
 * Durations in configuration values: 90s, 30m, 2h, 1d, and sums of them (1h30m). A bare
 * number is seconds, as in systemd and the fleet keys; maintenance windows require a unit.
 */

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDurationMs(text: string, options: { requireUnit?: boolean } = {}): number | undefined {
  const trimmed = text.trim();
  if (/^\d{1,9}$/.test(trimmed)) {
    if (options.requireUnit && Number(trimmed) !== 0) return undefined;
    return Number(trimmed) * 1000;
  }
  if (!/^(\d{1,9}[smhd])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhd])/g)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  return total;
}

/** 5_400_000 → "1h30m": the shortest spelling parseDurationMs reads back (whole seconds). */
export function formatDurationMs(ms: number): string {
  let rest = Math.round(ms / 1000);
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}
