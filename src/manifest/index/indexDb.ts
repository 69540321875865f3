/**
 * /.snapshots/transactional-update.db: the SQLite index of every snapshot's info.xml and
 * manifest.json. It is never the only copy of anything: when it is missing, stale or corrupt
 * it is rebuilt from the files without user action.
 *
 * This module is on the path of `list`; it must not import the subprocess layer (execa alone
 * costs more start-up time than the whole listing may take).
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { log } from '../../util/log.js';
import { parseInfo } from '../../snapshots/infoXml.js';
import { markersOf } from '../../snapshots/markers.js';
import { errorMessage } from '../../errors.js';
import { isDiskFull } from '../../util/diskFull.js';
import { fileSignatureOf, fileSignatures, isFresh, planRefresh, type FileSignature, type Indexed, type OnDisk } from './indexFreshness.js';
import { IndexTooNewError, migrate } from './indexSchema.js';
import { parseManifest, type ManifestLocator } from '../storeJson.js';
import { countManifest, formatSummary, type ManifestCounts } from '../summary.js';
import type { FileChange, Manifest } from '../types.js';
import { sqliteBinding } from '../../util/sqliteBinding.js';

export const INDEX_FILE = 'transactional-update.db';

export function indexPath(store: ManifestLocator): string {
  return join(store.dir, INDEX_FILE);
}

/** Open (creating or migrating) the index. Throws on a corrupt file: see ensureIndexFresh. */
export function openIndex(store: ManifestLocator): Database {
  return openIndexAt(indexPath(store));
}

function openIndexAt(path: string): Database {
  const db = new BetterSqlite3(path, { timeout: 5000, nativeBinding: sqliteBinding() });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Never fsync: the index is a cache of files that are themselves written durably. After a
    // power cut it is at worst older than the files (their signatures then differ, and the
    // stale rows are read again after a quick_check) or broken (then rebuilt, ensureIndexFresh).
    // A transaction writes it twice; syncing cost it six fsyncs.
    db.pragma('synchronous = OFF');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Index snapshot N alone, its info.xml and the manifest just written, without looking at the
 * other snapshots: a transaction adds one snapshot, and its cost must not grow with the store.
 * Whatever else changed is found by the next reader's freshness check (ensureIndexFresh).
 * Throws where the index cannot be opened; the caller then brings it up to date as a whole.
 */
export function indexOneSnapshot(store: ManifestLocator, manifest: Manifest): void {
  const db = openIndex(store);
  try {
    const paths = store.paths(manifest.number);
    const disk: OnDisk = {
      number: manifest.number,
      info: fileSignatureOf(`${paths.dir}/info.xml`),
      json: fileSignatureOf(paths.manifest),
    };
    db.transaction(() => {
      writeInfoRow(db, store, disk);
      writeManifestRows(db, manifest.number, disk.json, manifest);
    }).immediate();
  } finally {
    db.close();
  }
}

/**
 * Snapshot N's info.xml indexed again after the commit rewrote it (its in-progress mark
 * cleared): the next listing then finds the index fresh, instead of checking the whole
 * database and reading the file again.
 */
export function indexInfo(store: ManifestLocator, number: number): void {
  const db = openIndex(store);
  try {
    // The signature before the content: a change in between is then seen by the next reader.
    const info = fileSignatureOf(`${store.paths(number).dir}/info.xml`);
    db.transaction(() => writeInfoRow(db, store, { number, info, json: null })).immediate();
  } finally {
    db.close();
  }
}

/** Index one manifest (replacing what the index held for its snapshot) in one SQL transaction. */
export function indexManifest(db: Database, manifest: Manifest, jsonSignature: FileSignature = null): void {
  db.transaction(() => {
    writeManifestRows(db, manifest.number, jsonSignature, manifest);
  }).immediate();
}

/**
 * The index, brought up to date with the files: snapshots new or gone, info.xml or
 * manifest.json changed since they were indexed. A corrupt database is moved aside
 * (transactional-update.db.corrupt) and rebuilt. The caller closes the database.
 */
export function ensureIndexFresh(store: ManifestLocator): Database {
  try {
    return refresh(store, openIndex(store));
  } catch (error) {
    if (isUnwritable(error) || isDiskFull(error)) {
      // A read-only /.snapshots (a mounted image, a rescue system) or a full disk: index in
      // memory for this run; the file catches up when it can be written again.
      log.warn(`cannot write the snapshot index ${indexPath(store)} (${errorMessage(error)}); reading the manifests directly`);
      return refresh(store, openIndexAt(':memory:'));
    }
    if (!isBrokenDatabase(error)) throw error;
    log.warn(`the snapshot index ${indexPath(store)} is unusable (${errorMessage(error)}); rebuilding it from the manifests`);
    moveAside(store);
    return refresh(store, openIndex(store));
  }
}

export interface SnapshotSummary {
  number: number;
  /** info.xml's date as ISO 8601, null when info.xml is missing or unreadable. */
  date: string | null;
  description: string;
  /** info.xml's type (single, pre, post), null when info.xml is missing or unreadable. */
  type: string | null;
  userdata: Record<string, string>;
  ours: boolean;
  inProgress: boolean;
  failed: boolean;
  hasManifest: boolean;
  /** Why manifest.json could not be used, when it exists but is invalid. */
  manifestError: string | null;
  commandLine: string[] | null;
  base: number | null;
  computedOnDemand: boolean;
  counts: ManifestCounts | null;
  /** "+2 ~14 -1 packages · 312 files · 3 in /etc", null without a manifest. */
  summary: string | null;
}

/** One row per snapshot directory, ascending, from a fresh index. */
export function listSummaries(store: ManifestLocator): SnapshotSummary[] {
  const db = ensureIndexFresh(store);
  try {
    return (lastRows.get(db) ?? selectRows(db)).map(toSummary);
  } finally {
    lastRows.delete(db);
    db.close();
  }
}

/** Rows the freshness check already read, when it found nothing to change (saves a query). */
const lastRows = new WeakMap<Database, SnapshotRow[]>();

const ROW_COLUMNS = [
  'number', 'info_sig', 'date', 'description', 'type', 'userdata', 'json_sig', 'manifest_error', 'command', 'base',
  'computed_on_demand', 'packages_added', 'packages_changed', 'packages_removed', 'files', 'etc_changes',
] as const;

/** Rows as arrays, made into objects here: better-sqlite3 builds row objects slowly (a third of `list`'s query). */
function selectRows(db: Database): SnapshotRow[] {
  const arrays = db.prepare(`SELECT ${ROW_COLUMNS.join(', ')} FROM snapshots ORDER BY number`).raw().all() as unknown[][];
  return arrays.map((a) => ({
    number: a[0] as number,
    info_sig: a[1] as string | null,
    date: a[2] as string | null,
    description: a[3] as string,
    type: a[4] as string | null,
    userdata: a[5] as string,
    json_sig: a[6] as string | null,
    manifest_error: a[7] as string | null,
    command: a[8] as string | null,
    base: a[9] as number | null,
    computed_on_demand: a[10] as number | null,
    packages_added: a[11] as number | null,
    packages_changed: a[12] as number | null,
    packages_removed: a[13] as number | null,
    files: a[14] as number | null,
    etc_changes: a[15] as number | null,
  }));
}

interface SnapshotRow {
  number: number;
  info_sig: string | null;
  date: string | null;
  description: string;
  type: string | null;
  userdata: string;
  json_sig: string | null;
  manifest_error: string | null;
  command: string | null;
  base: number | null;
  computed_on_demand: number | null;
  packages_added: number | null;
  packages_changed: number | null;
  packages_removed: number | null;
  files: number | null;
  etc_changes: number | null;
}

function toSummary(row: SnapshotRow): SnapshotSummary {
  const userdata = JSON.parse(row.userdata) as Record<string, string>;
  const hasManifest = row.json_sig !== null && row.manifest_error === null && row.files !== null;
  const counts: ManifestCounts | null = hasManifest
    ? {
        packagesAdded: row.packages_added ?? 0,
        packagesChanged: row.packages_changed ?? 0,
        packagesRemoved: row.packages_removed ?? 0,
        files: row.files ?? 0,
        etc: row.etc_changes ?? 0,
      }
    : null;
  return {
    number: row.number,
    date: row.date,
    description: row.description,
    type: row.type,
    userdata,
    ...markersOf(userdata),
    hasManifest,
    manifestError: row.manifest_error,
    commandLine: row.command === null ? null : (JSON.parse(row.command) as string[]),
    base: row.base,
    computedOnDemand: row.computed_on_demand === 1,
    counts,
    summary: counts ? formatSummary(counts) : null,
  };
}

function refresh(store: ManifestLocator, db: Database): Database {
  try {
    const onDisk = scanStore(store);
    const rows = selectRows(db);
    const indexed: Indexed[] = rows.map((row) => ({ number: row.number, info: row.info_sig, json: row.json_sig }));
    const plan = planRefresh(onDisk, indexed);
    if (isFresh(plan)) {
      lastRows.set(db, rows);
      return db;
    }
    checkIntegrity(db);
    db.transaction(() => {
      for (const number of plan.remove) db.prepare('DELETE FROM snapshots WHERE number = ?').run(number);
      for (const disk of plan.readInfo) writeInfoRow(db, store, disk);
      for (const disk of plan.readJson) indexJsonFile(db, store, disk);
    }).immediate();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function scanStore(store: ManifestLocator): OnDisk[] {
  const numbers = readdirSync(store.dir).filter((name) => /^[1-9]\d{0,8}$/.test(name)).map(Number);
  // Two files of every snapshot: all their stats in one call.
  const files = numbers.flatMap((number) => {
    const paths = store.paths(number);
    return [`${paths.dir}/info.xml`, paths.manifest];
  });
  const signatures = fileSignatures(files);
  return numbers.map((number, i) => ({ number, info: signatures[2 * i] ?? null, json: signatures[2 * i + 1] ?? null }));
}

function writeInfoRow(db: Database, store: ManifestLocator, disk: OnDisk): void {
  let date: string | null = null;
  let description = '';
  let type: string | null = null;
  let userdata: Record<string, string> = {};
  if (disk.info !== null) {
    try {
      const info = parseInfo(readFileSync(join(store.paths(disk.number).dir, 'info.xml'), 'utf8'));
      date = info.date.toISOString();
      description = info.description;
      type = info.type;
      userdata = info.userdata;
    } catch {
      // An unreadable info.xml is listed without date or description.
    }
  }
  db.prepare(
    `INSERT INTO snapshots (number, info_sig, date, description, type, userdata) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(number) DO UPDATE SET info_sig = excluded.info_sig, date = excluded.date,
       description = excluded.description, type = excluded.type, userdata = excluded.userdata`,
  ).run(disk.number, disk.info, date, description, type, JSON.stringify(userdata));
}

function indexJsonFile(db: Database, store: ManifestLocator, disk: OnDisk): void {
  if (disk.json === null) {
    writeManifestRows(db, disk.number, null, undefined);
    return;
  }
  const path = store.paths(disk.number).manifest;
  try {
    writeManifestRows(db, disk.number, disk.json, parseManifest(readFileSync(path, 'utf8'), path, disk.number));
  } catch (error) {
    writeManifestRows(db, disk.number, disk.json, undefined, errorMessage(error));
  }
}

/** Replace the manifest columns and rows of one snapshot (inside the caller's transaction). */
function writeManifestRows(db: Database, number: number, jsonSig: FileSignature, manifest: Manifest | undefined, error?: string): void {
  db.prepare('DELETE FROM packages WHERE snapshot = ?').run(number);
  db.prepare('DELETE FROM files WHERE snapshot = ?').run(number);
  const counts = manifest ? countManifest(manifest) : undefined;
  db.prepare(
    `INSERT INTO snapshots (number, json_sig, manifest_error, command, base, computed_on_demand,
       packages_added, packages_changed, packages_removed, files, etc_changes)
     VALUES (@number, @jsonSig, @error, @command, @base, @onDemand, @added, @changed, @removed, @files, @etc)
     ON CONFLICT(number) DO UPDATE SET json_sig = excluded.json_sig, manifest_error = excluded.manifest_error,
       command = excluded.command, base = excluded.base, computed_on_demand = excluded.computed_on_demand,
       packages_added = excluded.packages_added, packages_changed = excluded.packages_changed,
       packages_removed = excluded.packages_removed, files = excluded.files, etc_changes = excluded.etc_changes`,
  ).run({
    number,
    jsonSig,
    error: error ?? null,
    command: manifest ? JSON.stringify(manifest.provenance.commandLine) : null,
    base: manifest ? manifest.base : null,
    onDemand: manifest ? (manifest.computedOnDemand ? 1 : 0) : null,
    added: counts?.packagesAdded ?? null,
    changed: counts?.packagesChanged ?? null,
    removed: counts?.packagesRemoved ?? null,
    files: counts?.files ?? null,
    etc: counts?.etc ?? null,
  });
  if (!manifest) return;
  const insertPackage = db.prepare(
    'INSERT INTO packages (snapshot, name, arch, from_version, to_version, change) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const p of manifest.packages) insertPackage.run(number, p.name, p.arch, p.from, p.to, p.change);
  const insertFile = db.prepare('INSERT INTO files (snapshot, path, change, scope) VALUES (?, ?, ?, ?)');
  const insertFiles = (files: FileChange[], scope: string) => {
    for (const f of files) insertFile.run(number, f.path, f.change, scope);
  };
  insertFiles(manifest.files, 'transaction');
  insertFiles(manifest.outside.etc, 'outside-etc');
  insertFiles(manifest.outside.sharedWrites, 'shared');
}

function checkIntegrity(db: Database): void {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  if (rows.length !== 1 || rows[0]!.quick_check !== 'ok') {
    throw new IndexCorruptError(rows.map((r) => r.quick_check).slice(0, 3).join('; '));
  }
}

export class IndexCorruptError extends Error {
  constructor(detail: string) {
    super(`quick_check: ${detail}`);
    this.name = 'IndexCorruptError';
  }
}

function isBrokenDatabase(error: unknown): boolean {
  if (error instanceof IndexCorruptError || error instanceof IndexTooNewError) return true;
  const code = (error as { code?: unknown }).code;
  return (
    error instanceof BetterSqlite3.SqliteError &&
    typeof code === 'string' &&
    (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_ERROR'))
  );
}

function isUnwritable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_READONLY_DIRECTORY' || code === 'EROFS' || code === 'EACCES';
}

/** Keep the last broken database for inspection; its WAL goes with it. */
function moveAside(store: ManifestLocator): void {
  const path = indexPath(store);
  for (const suffix of ['', '-wal']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, `${path}.corrupt${suffix}`);
  }
  rmSync(`${path}-shm`, { force: true });
}
