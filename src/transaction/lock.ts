/**
 * One transaction at a time per system. The lock is an exclusive SQLite transaction on a
 * small database in the system's state directory: SQLite takes a POSIX record lock, which the
 * kernel releases the moment the holder dies (even by SIGKILL), and a second caller learns of
 * it at once (busy timeout 0). The holder's pid is kept beside it so the refusal can name it.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnapshotBusy } from '../errors.js';

export interface TransactionLock {
  readonly path: string;
  release(): void;
  [Symbol.dispose](): void;
}

export function acquireLock(stateDir: string): TransactionLock {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'lock.db');
  const pidFile = join(stateDir, 'lock.pid');
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('BEGIN EXCLUSIVE');
    db.prepare('DELETE FROM holder').run();
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new SnapshotBusy(readHolder(pidFile), path);
    }
    throw error;
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    rmSync(pidFile, { force: true });
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  };
  return { path, release, [Symbol.dispose]: release };
}

function readHolder(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
