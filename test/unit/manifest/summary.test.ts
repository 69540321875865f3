import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countManifest, formatSummary, summarizeManifest } from '../../../src/manifest/summary.js';
import { validateManifest } from '../../../src/manifest/validate.js';

const fixture = () => validateManifest(JSON.parse(readFileSync('fixtures/manifest/manifest-v1.json', 'utf8')));

describe('manifest summary', () => {
  it('counts packages by kind and the paths the transaction changed (what show lists under Files), not the edits from outside', () => {
    expect(countManifest(fixture())).toEqual({
      packagesAdded: 1,
      packagesChanged: 2,
      packagesRemoved: 1,
      // the 9 transaction paths; /etc/motd, edited outside, is counted in its own section
      files: 9,
      etc: 3,
    });
  });

  it('formats the line list shows', () => {
    expect(summarizeManifest(fixture())).toBe('+1 ~2 -1 packages · 9 files · 3 in /etc');
    expect(fixture().files).toHaveLength(9);
    expect(formatSummary({ packagesAdded: 2, packagesChanged: 14, packagesRemoved: 1, files: 312, etc: 3 })).toBe(
      '+2 ~14 -1 packages · 312 files · 3 in /etc',
    );
  });

  it('says "1 file" and counts nothing for an empty manifest', () => {
    expect(formatSummary({ packagesAdded: 0, packagesChanged: 0, packagesRemoved: 0, files: 1, etc: 0 })).toBe(
      '+0 ~0 -0 packages · 1 file · 0 in /etc',
    );
    expect(summarizeManifest({ packages: [], files: [], outside: { etc: [], etcConfig: [], sharedWrites: [] } })).toBe(
      '+0 ~0 -0 packages · 0 files · 0 in /etc',
    );
  });

  it('does not count /etcetera as /etc, nor shared-subvolume writes as snapshot files', () => {
    const m = fixture();
    m.files = [{ path: '/etcetera', change: 'created' }];
    m.outside.etc = [];
    expect(countManifest(m)).toMatchObject({ files: 1, etc: 0 });
  });
});
