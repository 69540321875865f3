import { describe, expect, it } from 'vitest';
import { fileSignature, isFresh, planRefresh } from '../../../../src/manifest/index/indexFreshness.js';

describe('planRefresh', () => {
  const disk = (number: number, info: string | null, json: string | null) => ({ number, info, json });

  it('is fresh when every directory was indexed with the same signatures', () => {
    const plan = planRefresh([disk(1, 'i1', 'j1'), disk(2, 'i2', null)], [disk(1, 'i1', 'j1'), disk(2, 'i2', null)]);
    expect(isFresh(plan)).toBe(true);
  });

  it('reads new snapshots, changed files, and removes vanished ones', () => {
    const plan = planRefresh(
      [disk(1, 'i1', 'j1-new'), disk(2, 'i2-new', 'j2'), disk(4, 'i4', 'j4')],
      [disk(1, 'i1', 'j1'), disk(2, 'i2', 'j2'), disk(3, 'i3', 'j3')],
    );
    expect(plan).toEqual({
      readInfo: [disk(2, 'i2-new', 'j2'), disk(4, 'i4', 'j4')],
      readJson: [disk(1, 'i1', 'j1-new'), disk(4, 'i4', 'j4')],
      remove: [3],
    });
  });

  it('notices a manifest that appeared or was deleted', () => {
    expect(planRefresh([disk(1, 'i', 'j')], [disk(1, 'i', null)]).readJson).toHaveLength(1);
    expect(planRefresh([disk(1, 'i', null)], [disk(1, 'i', 'j')]).readJson).toHaveLength(1);
  });
});

describe('fileSignature', () => {
  it('changes with inode, size or mtime, and is null for a missing file', () => {
    const base = { ino: 5, size: 10, mtimeMs: 1000.5 };
    expect(fileSignature(undefined)).toBeNull();
    const sigs = new Set([base, { ...base, ino: 6 }, { ...base, size: 11 }, { ...base, mtimeMs: 1000.6 }].map(fileSignature));
    expect(sigs.size).toBe(4);
  });
});
