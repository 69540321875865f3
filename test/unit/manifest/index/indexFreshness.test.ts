import { describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSignatureOf, fileSignatures, isFresh, planRefresh } from '../../../../src/manifest/index/indexFreshness.js';

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

describe('fileSignatures', () => {
  it('changes when a file is replaced or rewritten, and is null for a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tu-signature-'));
    try {
      const file = join(dir, 'info.xml');
      writeFileSync(file, 'one\n');
      const first = fileSignatureOf(file);
      expect(first).toMatch(/^\d+:4:\d+\.\d{9}$/);
      expect(fileSignatureOf(file)).toBe(first);
      // Replaced by a rename, as every writer of the store does: a new inode.
      writeFileSync(join(dir, 'next'), 'one\n');
      renameSync(join(dir, 'next'), file);
      const replaced = fileSignatureOf(file);
      expect(replaced).not.toBe(first);
      // Rewritten in place with the same size: the mtime moves.
      utimesSync(file, new Date(1000), new Date(2000));
      expect(fileSignatureOf(file)).not.toBe(replaced);
      expect(fileSignatures([file, join(dir, 'missing'), join(dir, 'missing', 'below')])).toEqual([fileSignatureOf(file), null, null]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
