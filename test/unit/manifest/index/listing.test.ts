import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSnapshots } from '../../../../bench/manifestList.js';
import { readListing } from '../../../../src/manifest/index/listing.js';
import { serializeInfo } from '../../../../src/snapshots/infoXml.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tu-listing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readListing', () => {
  it('gives list its summary text per snapshot, and says when there is none', () => {
    const store = createFakeSnapshots(dir, 2);
    mkdirSync(join(dir, '3'));
    writeFileSync(
      join(dir, '3', 'info.xml'),
      serializeInfo({ type: 'single', num: 3, date: new Date('2026-11-22T00:00:00Z'), description: 'timeline', cleanup: 'timeline', userdata: {} }),
    );
    mkdirSync(join(dir, '4'));
    writeFileSync(join(dir, '4', 'manifest.json'), 'not json');
    const listing = readListing(store);
    const lookup = listing.summary;
    expect(listing.snapshots.map((s) => [s.number, s.type, s.description])).toEqual([
      [1, 'single', expect.any(String)], [2, 'single', expect.any(String)], [3, 'single', 'timeline'], [4, null, ''],
    ]);
    expect(lookup(1)?.text).toBe('+1 ~1 -1 packages · 41 files · 1 in /etc');
    expect(lookup(3)?.text).toBe('no manifest (see show)');
    expect(lookup(4)?.text).toBe('damaged: manifest.json unreadable');
    expect(lookup(4)?.data.manifestError).toMatch(/not valid JSON/);
    expect(lookup(5)).toBeUndefined();
  });
});
