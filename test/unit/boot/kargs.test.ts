import { describe, expect, it } from 'vitest';
import { editKargs } from '../../../src/boot/kargs.js';

describe('editKargs', () => {
  const current = ['console=ttyS0,115200', 'quiet', 'loglevel=3'];
  it('adds, removes by key or exact argument, and sets', () => {
    expect(editKargs(current, { op: 'add', args: ['mitigations=off', 'quiet'] })).toEqual([...current, 'mitigations=off']);
    expect(editKargs(current, { op: 'remove', args: ['loglevel', 'quiet'] })).toEqual(['console=ttyS0,115200']);
    expect(editKargs(current, { op: 'set', args: ['foo="a b"'] })).toEqual(['foo="a b"']);
  });
  it('refuses what every entry sets itself and what is no single argument', () => {
    expect(() => editKargs(current, { op: 'add', args: ['rootflags=subvol=x'] })).toThrow('rootflags is set by transactional-update');
    expect(() => editKargs(current, { op: 'add', args: ['a b'] })).toThrow('not a kernel argument');
  });
});
