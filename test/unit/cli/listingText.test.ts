import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listingTextFile, listingTextKey, readListingText, writeListingText } from '../../../src/cli/listingText.js';
import { SnapshotStore } from '../../../src/snapshots/store.js';

describe('the kept text of list', () => {
  let dir: string;
  let system: { store: SnapshotStore; stateDir: string; booted: number | undefined };
  const BUILD = 'b1';
  const TABLE = '#  │ date\n1* │ 2026-12-07\n';

  function replace(path: string, text: string): void {
    writeFileSync(`${path}.new`, text);
    renameSync(`${path}.new`, path);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tu-listing-'));
    mkdirSync(join(dir, 'snapshots'));
    mkdirSync(join(dir, 'state'));
    system = { store: new SnapshotStore(join(dir, 'snapshots')), stateDir: join(dir, 'state'), booted: 1 };
    for (const n of [1, 2]) {
      mkdirSync(join(dir, 'snapshots', String(n), 'snapshot'), { recursive: true });
      writeFileSync(system.store.paths(n).info, `<snapshot><num>${n}</num></snapshot>\n`);
      writeFileSync(system.store.paths(n).manifest, '{}\n');
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const key = (def: number | undefined = 2, build = BUILD) => listingTextKey(system, def, build)!;

  it('is read back under the same key, and the same things give the same key', () => {
    writeListingText(system, key(), TABLE);
    expect(readListingText(system, key())?.toString('utf8')).toBe(TABLE);
    expect(readFileSync(listingTextFile(system), 'utf8')).toMatch(/^tu-list-text 1 \d+ \d+\nbuild b1\n/);
  });

  it('changes with every thing the table is made from', () => {
    const keys = new Set<string>([key()]);
    const add = (k: string) => {
      expect(keys.has(k)).toBe(false);
      keys.add(k);
    };
    add(key(1));
    add(key(2, 'b2'));
    system.booted = 2;
    add(key());
    replace(system.store.paths(1).info, '<snapshot><num>1</num><description>edited</description></snapshot>\n');
    add(key());
    replace(system.store.paths(2).manifest, '{"again": true}\n');
    add(key());
    rmSync(system.store.paths(2).manifest);
    add(key());
    rmSync(system.store.paths(2).snapshot, { recursive: true });
    add(key());
    mkdirSync(join(dir, 'snapshots', '3'));
    writeFileSync(system.store.paths(3).info, '<snapshot><num>3</num></snapshot>\n');
    add(key());
    writeFileSync(join(system.stateDir, 'booted.json'), '{"booted": []}\n');
    add(key());
  });

  it('is not read under another key, or when torn', () => {
    writeListingText(system, key(), TABLE);
    expect(readListingText(system, key(1))).toBeUndefined();
    const file = listingTextFile(system);
    writeFileSync(file, readFileSync(file).subarray(0, -2));
    expect(readListingText(system, key())).toBeUndefined();
  });

  it('has no key when the store cannot be read, and goes without when it cannot be written', () => {
    const store = system.store;
    system.store = new SnapshotStore(join(dir, 'missing'));
    expect(listingTextKey(system, 2, BUILD)).toBeUndefined();
    system.store = store;
    const k = key();
    rmSync(store.dir, { recursive: true });
    expect(() => writeListingText(system, k, TABLE)).not.toThrow();
  });
});
