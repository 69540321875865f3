/**
 * Schema of transactional-update.db and its migrations. The database is only an index of
 * the manifest.json files (and info.xml): any version may be thrown away and rebuilt, but a
 * migration keeps an upgrade from re-reading every manifest.
 */
import type { Database } from 'better-sqlite3';

export const INDEX_SCHEMA_VERSION = 1;

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

/** Bring the schema to INDEX_SCHEMA_VERSION, each step in its own SQL transaction. */
export function migrate(db: Database): void {
  // The common case reads only: `list` must not wait for a write lock.
  if (schemaVersion(db) === INDEX_SCHEMA_VERSION) return;
  db.transaction(() => {
    const version = schemaVersion(db);
    if (version > INDEX_SCHEMA_VERSION) throw new IndexTooNewError(version);
    if (version === 0) db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (let v = version; v < INDEX_SCHEMA_VERSION; v += 1) db.exec(MIGRATIONS[v]!);
    if (version === 0) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(INDEX_SCHEMA_VERSION);
    else if (version !== INDEX_SCHEMA_VERSION) db.prepare('UPDATE schema_version SET version = ?').run(INDEX_SCHEMA_VERSION);
  }).immediate();
}
