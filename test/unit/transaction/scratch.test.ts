import { describe, expect, it } from 'vitest';
import { ownerOf, scratchPrefix } from '../../../src/transaction/scratch.js';

describe('scratch names', () => {
  it('carry the pid of the run that made them', () => {
    expect(scratchPrefix('requests', 4242)).toBe('tu-requests-4242-');
    expect(ownerOf('tu-requests-4242-7-AbC123')).toBe(4242);
    expect(ownerOf('tu-requests-4242-7-AbC123.stubs')).toBe(4242);
    expect(ownerOf('tu-packages-17-xyz')).toBe(17);
    expect(ownerOf('tu-top-99-QwErTy')).toBe(99);
  });

  it('are not guessed from names that are not ours', () => {
    expect(ownerOf('tu-top-QwErTy')).toBeUndefined();
    expect(ownerOf('systemd')).toBeUndefined();
    expect(ownerOf('tu-other-12-x')).toBeUndefined();
  });
});
