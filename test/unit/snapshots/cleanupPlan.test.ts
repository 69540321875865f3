import { describe, expect, it } from 'vitest';
import { planCleanup } from '../../../src/snapshots/cleanupPlan.js';
import { lastBootedOtherThan } from '../../../src/snapshots/bootHistory.js';
import type { Overview, SnapshotRow } from '../../../src/snapshots/overview.js';

function row(number: number, extra: Partial<SnapshotRow> = {}): SnapshotRow {
  return {
    number, date: null, description: '', type: 'single', readOnly: true, booted: false, default: false, pending: false,
    inProgress: false, failed: false, ours: true, complete: true, everBooted: false, userdata: {}, damage: [], ...extra,
  };
}

describe('cleanup plan', () => {
  const overview: Overview = {
    booted: 3,
    default: 7,
    snapshots: [row(1), row(2, { ours: false }), row(3, { booted: true }), row(4), row(5, { inProgress: true }), row(6), row(7, { default: true })],
  };

  it('never removes the booted, the default or the last booted one; removes leftovers and the oldest beyond the limit', () => {
    expect(planCleanup(overview, { keep: 3, lastBooted: 1 })).toEqual({ leftovers: [5], beyondLimit: [4, 6] });
    expect(planCleanup(overview, { keep: 10, lastBooted: 1 })).toEqual({ leftovers: [5], beyondLimit: [] });
  });

  it('keeps the last known-good snapshot, where a failing boot falls back to', () => {
    expect(planCleanup(overview, { keep: 3, lastBooted: 1, knownGood: 4 })).toEqual({ leftovers: [5], beyondLimit: [6] });
  });

  it('leaves snapshots that are not ours alone', () => {
    const plan = planCleanup(overview, { keep: 1, lastBooted: undefined });
    expect([...plan.leftovers, ...plan.beyondLimit]).not.toContain(2);
  });

  it('rollback last: the most recent booted snapshot that still exists, other than the default', () => {
    const history = [1, 4, 3].map((number) => ({ number, firstSeen: '', lastSeen: '' }));
    expect(lastBootedOtherThan(history, 3, () => true)).toBe(4);
    expect(lastBootedOtherThan(history, 3, (n) => n !== 4)).toBe(1);
    expect(lastBootedOtherThan(history, 1, () => false)).toBeUndefined();
  });
});
