/**
 * Schema of transactional-update.db and its migrations. The database is only an index of
 * the manifest.json files (and info.xml): any version may be thrown away and rebuilt, but a
 * migration keeps an upgrade from re-reading every manifest.
 */
import type { Database } from 'better-sqlite3';

export const INDEX_SCHEMA_VERSION = 3;

/** migrations[i] takes the schema from version i to i + 1. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE snapshots (
    number INTEGER PRIMARY KEY,
    -- from info.xml
    info_sig TEXT,
    date TEXT,
    description TEXT NOT NULL DEFAULT '',
    userdata TEXT NOT NULL DEFAULT '{}',
    -- from manifest.json (NULL columns: no manifest, or manifest_error says why)
    json_sig TEXT,
    manifest_error TEXT,
    command TEXT,
    base INTEGER,
    computed_on_demand INTEGER,
    packages_added INTEGER,
    packages_changed INTEGER,
    packages_removed INTEGER,
    files INTEGER,
    etc_changes INTEGER
  );
  CREATE TABLE packages (
    snapshot INTEGER NOT NULL REFERENCES snapshots(number) ON DELETE CASCADE,
    name TEXT NOT NULL,
    arch TEXT NOT NULL,
    from_version TEXT,
    to_version TEXT,
    change TEXT NOT NULL
  );
  CREATE INDEX packages_by_snapshot ON packages(snapshot);
  CREATE INDEX packages_by_name ON packages(name);
  CREATE TABLE files (
    snapshot INTEGER NOT NULL REFERENCES snapshots(number) ON DELETE CASCADE,
    path TEXT NOT NULL,
    change TEXT NOT NULL,
    -- 'transaction' | 'outside-etc' | 'shared'
    scope TEXT NOT NULL
  );
  CREATE INDEX files_by_snapshot ON files(snapshot);
  CREATE INDEX files_by_path ON files(path);
  `,
  // 2: info.xml's type, so `list` builds its rows from the index alone; info_sig is cleared
  // so that every info.xml is read once more to fill it.
  `
  ALTER TABLE snapshots ADD COLUMN type TEXT;
  UPDATE snapshots SET info_sig = NULL;
  `,
  // 3: the file counts are of the transaction's own paths (what `show` lists under Files),
  // no longer with the /etc edits carried in from outside; json_sig is cleared so that every
  // manifest is counted once more.
  `
  UPDATE snapshots SET json_sig = NULL;
  `,
];

export class IndexTooNewError extends Error {
  constructor(readonly version: number) {
    super(`index schema version ${version} is newer than this tool (${INDEX_SCHEMA_VERSION})`);
  }
}

export function schemaVersion(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  return row?.version ?? 0;
}

/**
 * Bring the schema to `target` (default: INDEX_SCHEMA_VERSION) in one SQL transaction.
 * Tests pass an older target to make the database an older tool left.
 */
export function migrate(db: Database, target = INDEX_SCHEMA_VERSION): void {
  // The common case reads only: `list` must not wait for a write lock.
  if (schemaVersion(db) === target) return;
  db.transaction(() => {
    const version = schemaVersion(db);
    if (version > target) throw new IndexTooNewError(version);
    if (version === 0) db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (let v = version; v < target; v += 1) db.exec(MIGRATIONS[v]!);
    if (version === 0) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(target);
    else if (version !== target) db.prepare('UPDATE schema_version SET version = ?').run(target);
  }).immediate();
}
