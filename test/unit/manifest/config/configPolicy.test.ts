import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_CAPS, PatchBudget, decideContent, isBinary } from '../../../../src/manifest/config/configPolicy.js';

const file = (size: number, worldReadable = true) => ({ kind: 'file' as const, size, worldReadable });
const missing = { kind: 'missing' as const };
const other = { kind: 'other' as const };

describe('decideContent', () => {
  it('reads two world-readable files within the limit', () => {
    expect(decideContent(file(10), file(20), DEFAULT_CONFIG_CAPS)).toEqual({ action: 'read' });
    expect(decideContent(missing, file(20), DEFAULT_CONFIG_CAPS)).toEqual({ action: 'read' });
  });
  it('withholds when either existing side is not world-readable, before any size check', () => {
    expect(decideContent(file(10, false), file(10), DEFAULT_CONFIG_CAPS)).toEqual({ action: 'withhold', reason: 'not-world-readable' });
    expect(decideContent(file(10), file(10 ** 9, false), DEFAULT_CONFIG_CAPS)).toEqual({ action: 'withhold', reason: 'not-world-readable' });
    expect(decideContent(other, file(1, false), DEFAULT_CONFIG_CAPS)).toEqual({ action: 'withhold', reason: 'not-world-readable' });
  });
  it('withholds a side over the input limit', () => {
    expect(decideContent(file(DEFAULT_CONFIG_CAPS.maxInputBytes + 1), file(1), DEFAULT_CONFIG_CAPS)).toEqual({ action: 'withhold', reason: 'too-large' });
  });
  it('skips when neither side is a regular file', () => {
    expect(decideContent(other, missing, DEFAULT_CONFIG_CAPS)).toEqual({ action: 'skip' });
  });
});

describe('isBinary', () => {
  it('is true for a NUL byte or invalid UTF-8, false for text in any language', () => {
    expect(isBinary(Buffer.from('a\0b'))).toBe(true);
    expect(isBinary(Buffer.from([0xc3]))).toBe(true);
    expect(isBinary(Buffer.from('größe=10 # 設定\n'))).toBe(false);
    expect(isBinary(Buffer.alloc(0))).toBe(false);
  });
});

describe('PatchBudget', () => {
  it('keeps patches within both caps and caps everything after the first that does not fit', () => {
    const budget = new PatchBudget({ ...DEFAULT_CONFIG_CAPS, perFileBytes: 10, perSnapshotBytes: 12 });
    expect(budget.admit('12345')).toEqual({ patch: '12345' });
    expect(budget.admit('x'.repeat(11))).toEqual({ withheld: 'too-large' });
    expect(budget.admit(undefined)).toEqual({ withheld: 'too-large' });
    expect(budget.full).toBe(false);
    expect(budget.admit('12345678')).toEqual({ withheld: 'capped' });
    expect(budget.full).toBe(true);
    expect(budget.admit('1')).toEqual({ withheld: 'capped' });
  });
});
