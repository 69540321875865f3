/**
 * What `cleanup` removes (pure): crash leftovers, and our snapshots beyond the number limit,
 * oldest first — never the booted one, the default, the most recently booted other one, or
 * the last known-good one.
 */
import type { Overview } from './overview.js';

export interface CleanupPlan {
  leftovers: number[];
  beyondLimit: number[];
}

export function planCleanup(
  overview: Overview,
  options: { keep: number; lastBooted: number | undefined; knownGood?: number | undefined },
): CleanupPlan {
  // The known-good snapshot is where a failing boot falls back to: it must stay.
  const protectedNumbers = new Set(
    [overview.booted, overview.default, options.lastBooted, options.knownGood].filter((n): n is number => n !== undefined),
  );
  const ours = overview.snapshots.filter((s) => s.ours && !protectedNumbers.has(s.number));
  const leftovers = ours.filter((s) => s.inProgress || !s.complete).map((s) => s.number);
  const closed = overview.snapshots.filter((s) => s.ours && !s.inProgress && s.complete);
  const excess = Math.max(0, closed.length - options.keep);
  const beyondLimit = closed
    .filter((s) => !protectedNumbers.has(s.number))
    .map((s) => s.number)
    .sort((a, b) => a - b)
    .slice(0, excess);
  return { leftovers, beyondLimit };
}
