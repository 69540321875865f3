import { describe, expect, it } from 'vitest';
import { NotEnoughSpace, SnapshotBusy, SnapshotNotFoundError, SnapshotProtected, TuError } from '../../../src/errors.js';
import { hintFor } from '../../../src/cli/hints.js';

describe('hints at the command line edge', () => {
  it('name the command that helps, for errors that name the rule that broke', () => {
    const space = new NotEnoughSpace('not enough free space: 300 MiB of data space missing');
    expect(space.hint).toBeUndefined();
    expect(hintFor(space)).toBe("free space and try again, e.g. with 'transactional-update cleanup' or by deleting files under /var");
    expect(hintFor(new SnapshotNotFoundError(9))).toBe("see 'transactional-update list'");
    expect(hintFor(new SnapshotProtected(5, 'the next boot'))).toContain("'transactional-update rollback'");
  });

  it("keep a domain error's own hint, and add none where none helps", () => {
    expect(hintFor(new SnapshotBusy(42, '/x/lock.db'))).toBe('wait for it to finish');
    expect(hintFor(new TuError('something'))).toBeUndefined();
  });
});
