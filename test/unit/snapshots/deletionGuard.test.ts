import { describe, expect, it } from 'vitest';
import { SnapshotProtected } from '../../../src/errors.js';
import { refuseProtected } from '../../../src/snapshots/deletionGuard.js';

describe('the deletion guard', () => {
  const guard = { default: 5, booted: 3, knownGood: 2 };

  it.each([
    [5, 'snapshot 5 is the next boot; it is not deleted'],
    [3, 'snapshot 3 is booted; it is not deleted'],
    [2, 'snapshot 2 is the known-good snapshot; it is not deleted'],
  ])('refuses %i', (n, message) => {
    expect(() => refuseProtected(n, guard)).toThrow(SnapshotProtected);
    expect(() => refuseProtected(n, guard)).toThrow(message);
  });

  it('lets any other snapshot go', () => {
    expect(() => refuseProtected(4, guard)).not.toThrow();
    expect(() => refuseProtected(4, { default: undefined, booted: undefined, knownGood: undefined })).not.toThrow();
  });
});
