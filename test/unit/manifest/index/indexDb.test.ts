import { closeSync, existsSync, statSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSnapshots, fakeManifest } from '../../../../bench/manifestList.js';
import { ensureIndexFresh, indexPath, listSummaries, openIndex } from '../../../../src/manifest/index/indexDb.js';
import { fileSignatureOf } from '../../../../src/manifest/index/indexFreshness.js';
import { INDEX_SCHEMA_VERSION, migrate } from '../../../../src/manifest/index/indexSchema.js';
import { recordManifest } from '../../../../src/manifest/record.js';
import { writeManifest } from '../../../../src/manifest/storeJson.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tu-index-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite index', () => {
  it('lists every snapshot with its summary, built from the files on first use', () => {
    const store = createFakeSnapshots(dir, 3);
    const rows = listSummaries(store);
    expect(rows.map((r) => [r.number, r.description, r.summary, r.ours, r.base])).toEqual([
      [1, 'pkg install pkg-1', '+1 ~1 -1 packages · 41 files · 1 in /etc', true, null],
      [2, 'pkg install pkg-2', '+1 ~1 -1 packages · 41 files · 1 in /etc', true, 1],
      [3, 'pkg install pkg-3', '+1 ~1 -1 packages · 41 files · 1 in /etc', true, 2],
    ]);
    expect(rows[0]!.date).toBe('2026-01-01T01:00:00.000Z');
    expect(rows[0]!.commandLine).toEqual(['transactional-update', 'pkg', 'install', 'pkg-1']);
    expect(existsSync(indexPath(store))).toBe(true);
  });

  it('loses nothing when the database is deleted', () => {
    const store = createFakeSnapshots(dir, 5);
    const before = listSummaries(store);
    for (const suffix of ['', '-wal', '-shm']) rmSync(indexPath(store) + suffix, { force: true });
    expect(listSummaries(store)).toEqual(before);
  });

  it('moves a corrupt database aside and rebuilds it', () => {
    const store = createFakeSnapshots(dir, 2);
    const before = listSummaries(store);
    for (const suffix of ['-wal', '-shm']) rmSync(indexPath(store) + suffix, { force: true });
    writeFileSync(indexPath(store), 'this is not a database, it is a text file of some length '.repeat(100));
    expect(listSummaries(store)).toEqual(before);
    expect(existsSync(`${indexPath(store)}.corrupt`)).toBe(true);
  });

  it('rebuilds a database whose pages are damaged behind an intact header', () => {
    const store = createFakeSnapshots(dir, 30);
    const before = listSummaries(store);
    const db = new BetterSqlite3(indexPath(store));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.close();
    expect(pages).toBeGreaterThan(3);
    const fd = openSync(indexPath(store), 'r+');
    for (let page = 1; page < pages; page += 1) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize);
    closeSync(fd);
    writeManifest(store, fakeManifest(3));
    expect(listSummaries(store)).toEqual(before);
    expect(existsSync(`${indexPath(store)}.corrupt`)).toBe(true);
  });

  it('follows the files: a rewritten manifest, a new snapshot, a deleted one, a missing manifest', () => {
    const store = createFakeSnapshots(dir, 3);
    listSummaries(store);
    const changed = fakeManifest(2);
    changed.packages = [];
    writeManifest(store, changed);
    rmSync(join(dir, '3'), { recursive: true });
    mkdirSync(join(dir, '4'));
    rmSync(join(dir, '1', 'manifest.json'));
    const rows = listSummaries(store);
    expect(rows.map((r) => [r.number, r.hasManifest, r.summary])).toEqual([
      [1, false, null],
      [2, true, '+0 ~0 -0 packages · 41 files · 1 in /etc'],
      [4, false, null],
    ]);
    const db = openIndex(store);
    expect(db.prepare('SELECT count(*) AS n FROM packages WHERE snapshot IN (1, 2, 3)').get()).toEqual({ n: 0 });
    db.close();
  });

  it('keeps an invalid manifest out of the index and says why', () => {
    const store = createFakeSnapshots(dir, 1);
    writeFileSync(join(dir, '1', 'manifest.json'), '{"schemaVersion": 1}');
    const [row] = listSummaries(store);
    expect(row).toMatchObject({ number: 1, hasManifest: false, summary: null });
    expect(row!.manifestError).toMatch(/manifest.number is missing/);
  });

  it('indexes packages and files for queries, and notes the schema version', () => {
    const store = createFakeSnapshots(dir, 2);
    const db = ensureIndexFresh(store);
    try {
      expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: INDEX_SCHEMA_VERSION });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const found = db.prepare("SELECT snapshot, from_version, to_version FROM packages WHERE name = 'pkg-2'").all();
      expect(found).toEqual([{ snapshot: 2, from_version: null, to_version: '1.0-1' }]);
      expect(db.prepare("SELECT snapshot FROM files WHERE path = '/etc/pkg.conf' ORDER BY snapshot").all()).toEqual([
        { snapshot: 1 },
        { snapshot: 2 },
      ]);
    } finally {
      db.close();
    }
  });

  it('recordManifest writes the JSON and indexes it at once', () => {
    const store = createFakeSnapshots(dir, 1);
    listSummaries(store);
    mkdirSync(join(dir, '2'));
    recordManifest(store, fakeManifest(2));
    const db = new BetterSqlite3(indexPath(store), { readonly: true });
    expect(db.prepare('SELECT files FROM snapshots WHERE number = 2').get()).toEqual({ files: 41 });
    db.close();
    expect(listSummaries(store).map((r) => r.number)).toEqual([1, 2]);
  });

  it('still lists from the manifests when the index cannot be written', () => {
    const store = createFakeSnapshots(dir, 2);
    mkdirSync(indexPath(store)); // a directory where the database should be: SQLITE_CANTOPEN
    expect(listSummaries(store).map((r) => r.summary)).toEqual([
      '+1 ~1 -1 packages · 41 files · 1 in /etc',
      '+1 ~1 -1 packages · 41 files · 1 in /etc',
    ]);
  });

  it('rebuilds a database written by a newer schema version', () => {
    const store = createFakeSnapshots(dir, 1);
    const db = new BetterSqlite3(indexPath(store));
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99)');
    db.close();
    expect(listSummaries(store).map((r) => r.number)).toEqual([1]);
  });

  it('migrates an index an older version left, filling the new columns from the files', () => {
    const store = createFakeSnapshots(dir, 2);
    const old = new BetterSqlite3(indexPath(store));
    migrate(old, 1);
    // A row as fresh as version 1 could make it: only the migration makes info.xml read again.
    const signature = fileSignatureOf(join(dir, '1', 'info.xml'));
    old.prepare("INSERT INTO snapshots (number, info_sig, date, description, userdata) VALUES (1, ?, NULL, 'old row', '{}')").run(signature);
    old.close();
    const rows = listSummaries(store);
    expect(rows.map((r) => [r.number, r.type, r.description])).toEqual([[1, 'single', 'pkg install pkg-1'], [2, 'single', 'pkg install pkg-2']]);
    const db = new BetterSqlite3(indexPath(store), { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: INDEX_SCHEMA_VERSION });
    db.close();
  });
});
