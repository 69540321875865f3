import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffTextFile, diffTextKey, readDiffText, writeDiffText, type DiffTextLocator } from '../../../src/manifest/diff/diffTextCache.js';

describe('the kept text of a diff', () => {
  let dir: string;
  let store: DiffTextLocator;
  const BUILD = 'a1b2c3';
  const TEXT = 'From snapshot 1 to snapshot 2\n\nFiles (1)\n  created (1)\n    /usr/bin/tu-hello\n';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tu-difftext-'));
    store = { paths: (n: number) => ({ dir: join(dir, String(n)), info: join(dir, String(n), 'info.xml'), manifest: join(dir, String(n), 'manifest.json') }) };
    for (const n of [1, 2]) {
      mkdirSync(join(dir, String(n)));
      writeFileSync(store.paths(n).info, `<snapshot><num>${n}</num></snapshot>\n`);
      writeFileSync(store.paths(n).manifest, '{"recorded": true}\n', { mode: 0o640 });
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const key = () => diffTextKey(store, 1, 2, BUILD)!;
  const keep = (color = false) => writeDiffText(store, 1, 2, color, diffTextKey(store, 1, 2, BUILD)!, TEXT);

  it('is read back as written, for the same build and files, with the manifest\'s mode', () => {
    keep();
    expect(readDiffText(store, 1, 2, false, key())?.toString('utf8')).toBe(TEXT);
    const kept = readFileSync(diffTextFile(store, 1, 2, false), 'latin1');
    expect(kept.split('\n')[0]).toBe(`tu-diff-text 2 ${key().length} ${TEXT.length}`);
    expect(kept).toMatch(/^[^\n]*\na1b2c3:/);
    expect(statSync(diffTextFile(store, 1, 2, false)).mode & 0o777).toBe(0o640);
    // The coloured text is another file.
    expect(readDiffText(store, 1, 2, true, key())).toBeUndefined();
  });

  it('is not read after the manifest or the base changed, for another build, or when torn', () => {
    keep();
    expect(readDiffText(store, 1, 2, false, diffTextKey(store, 1, 2, 'other')!)).toBeUndefined();
    writeFileSync(join(dir, 'new.json'), '{"recorded": "again"}\n');
    renameSync(join(dir, 'new.json'), store.paths(2).manifest);
    expect(readDiffText(store, 1, 2, false, key())).toBeUndefined();

    keep();
    expect(readDiffText(store, 1, 2, false, key())).toBeDefined();
    writeFileSync(join(dir, 'info.xml'), '<snapshot><num>1</num><description>reused</description></snapshot>\n');
    renameSync(join(dir, 'info.xml'), store.paths(1).info);
    expect(readDiffText(store, 1, 2, false, key())).toBeUndefined();

    keep();
    const file = diffTextFile(store, 1, 2, false);
    writeFileSync(file, readFileSync(file).subarray(0, -3));
    expect(readDiffText(store, 1, 2, false, key())).toBeUndefined();
    writeFileSync(file, 'no header at all');
    expect(readDiffText(store, 1, 2, false, key())).toBeUndefined();
  });

  it('a key taken before the manifest changed keeps a text nobody reads', () => {
    const before = diffTextKey(store, 1, 2, BUILD)!;
    writeFileSync(join(dir, 'new.json'), '{"recorded": "meanwhile"}\n');
    renameSync(join(dir, 'new.json'), store.paths(2).manifest);
    writeDiffText(store, 1, 2, false, before, TEXT);
    expect(readDiffText(store, 1, 2, false, key())).toBeUndefined();
  });

  it('has no key without the files it is made from, or for a build name that is not one word', () => {
    expect(diffTextKey(store, 1, 3, BUILD)).toBeUndefined();
    expect(diffTextKey(store, 1, 2, 'two words')).toBeUndefined();
    rmSync(store.paths(2).manifest);
    expect(diffTextKey(store, 1, 2, BUILD)).toBeUndefined();
  });

  it('goes without when the directory cannot be written', () => {
    const key = diffTextKey(store, 1, 2, BUILD)!;
    rmSync(store.paths(2).dir, { recursive: true });
    expect(() => writeDiffText(store, 1, 2, false, key, TEXT)).not.toThrow();
  });
});
