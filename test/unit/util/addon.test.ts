import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSignatureOf } from '../../../src/manifest/index/indexFreshness.js';
import { nativeAddon } from '../../../src/util/addon.js';

describe("the addon's listing calls", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tu-addon-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('storeState gives a line per snapshot directory in number order, as fileSignatures and writeAccess see them', () => {
    for (const name of ['10', '9', '2', '01', 'abc', '1000000000', '3']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, '9', 'info.xml'), 'info\n');
    writeFileSync(join(dir, '9', 'manifest.json'), '{}\n');
    writeFileSync(join(dir, '10', 'info.xml'), 'ten\n');
    mkdirSync(join(dir, '10', 'snapshot'));
    writeFileSync(join(dir, '3', 'snapshot'), 'a file, not a directory\n');
    const addon = nativeAddon();
    const expected = [2, 3, 9, 10].map((n) => {
      const access = addon.writeAccess([join(dir, String(n), 'snapshot')])[0];
      return `${n} ${fileSignatureOf(join(dir, String(n), 'info.xml'))} ${fileSignatureOf(join(dir, String(n), 'manifest.json'))} ${access || 'rw'}`;
    });
    expect(addon.storeState(dir).split('\n')).toEqual(expected);
    expect(expected[0]).toBe('2 null null ENOENT');
    expect(expected[3]).toMatch(/^10 \d+:4:\d+\.\d{9} null rw$/);
  });

  it('storeState of an empty store is empty; of a missing one an error with its errno name', () => {
    expect(nativeAddon().storeState(dir)).toBe('');
    expect(() => nativeAddon().storeState(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
