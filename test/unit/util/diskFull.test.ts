import { hintFor } from '../../../src/cli/hints.js';
import { describe, expect, it } from 'vitest';
import { NotEnoughSpace, TuError } from '../../../src/errors.js';
import { asNotEnoughSpace, isDiskFull } from '../../../src/util/diskFull.js';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('a full disk is a full disk', () => {
  it('recognises ENOSPC, EDQUOT, SQLITE_FULL and a tool saying so, also as a cause', () => {
    expect(isDiskFull(errno('ENOSPC', 'ENOSPC: no space left on device, write'))).toBe(true);
    expect(isDiskFull(errno('EDQUOT', 'quota'))).toBe(true);
    expect(isDiskFull(errno('SQLITE_FULL', 'database or disk is full'))).toBe(true);
    expect(isDiskFull(new TuError('btrfs failed (exit 1)', { detail: 'ERROR: cannot snapshot: No space left on device' }))).toBe(true);
    expect(isDiskFull(new TuError('could not index', { cause: errno('ENOSPC', 'x') }))).toBe(true);
    expect(isDiskFull(errno('EACCES', 'permission denied'))).toBe(false);
    // Only our own errors are read for the words: a foreign message is not evidence.
    expect(isDiskFull(new Error('No space left on device'))).toBe(false);
  });

  it('becomes one line naming the file system, with the cause as detail', () => {
    const error = asNotEnoughSpace(errno('SQLITE_FULL', 'database or disk is full'), '/var/lib/transactional-update');
    expect(error).toBeInstanceOf(NotEnoughSpace);
    expect((error as NotEnoughSpace).message).toBe('the file system of /var/lib/transactional-update is full');
    expect((error as NotEnoughSpace).detail).toBe('database or disk is full');
    expect(hintFor(error as NotEnoughSpace)).toMatch(/free space/);
    const other = new TuError('something else');
    expect(asNotEnoughSpace(other)).toBe(other);
  });
});
