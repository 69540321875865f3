import { describe, expect, it } from 'vitest';
import { listedRows } from '../../../../src/cli/render/snapshotList.js';

describe('list', () => {
  it('never shows a half-made snapshot of ours (a transaction in progress, or one a power cut interrupted)', () => {
    const rows = [
      { number: 5, ours: true, inProgress: false },
      { number: 7, ours: true, inProgress: true },
      { number: 8, ours: false, inProgress: true },
    ];
    expect(listedRows(rows).map((r) => r.number)).toEqual([5, 8]);
  });
});
