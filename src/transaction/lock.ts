/**
 * One transaction at a time per system. The lock is an exclusive SQLite transaction on a
 * small database in the system's state directory: SQLite takes a POSIX record lock, which the
 * kernel releases the moment the holder dies (even by SIGKILL), and a second caller learns of
 * it at once (busy timeout 0). BEGIN EXCLUSIVE on an existing lock.db takes the lock without
 * writing a page, so it works on a full disk too. The holder's pid is kept beside it (lock.pid) only so that a
 * refusal can name it: a lock.pid left by a dead process is ignored.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as btrfs from '../btrfs/btrfs.js';
import { SnapshotBusy } from '../errors.js';
import { asNotEnoughSpace, isDiskFull } from '../util/diskFull.js';
import { log } from '../util/log.js';
import { processAlive } from '../util/processAlive.js';
import { sqliteBinding } from '../util/sqliteBinding.js';

export interface TransactionLock {
  readonly path: string;
  release(): void;
  [Symbol.dispose](): void;
}

export function acquireLock(stateDir: string): TransactionLock {
  try {
    return tryAcquire(stateDir);
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    // Creating lock.db (or its directory) needs a little room: a snapshot deleted just
    // before may still hold it until btrfs's cleaner has run.
    try {
      btrfs.reclaimDeletedSubvolumesSync(stateDir);
    } catch (reclaimError) {
      log.detail(`could not wait for deleted subvolumes: ${String(reclaimError)}`);
    }
    try {
      return tryAcquire(stateDir);
    } catch (again) {
      throw asNotEnoughSpace(again, stateDir);
    }
  }
}

function tryAcquire(stateDir: string): TransactionLock {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'lock.db');
  const pidFile = join(stateDir, 'lock.pid');
  const db = new Database(path, { timeout: 0, nativeBinding: sqliteBinding() });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // Writes only the first time: BEGIN EXCLUSIVE on an empty file would write its header.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new SnapshotBusy(readHolder(pidFile), path);
    }
    throw error;
  }
  try {
    writeFileSync(pidFile, `${process.pid}\n`);
  } catch (error) {
    // Only a refusal's message needs it; the lock itself holds.
    rmSync(pidFile, { force: true });
    log.detail(`could not write ${pidFile}: ${String(error)}`);
  }
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

/** The pid in lock.pid when that process is alive; a stale file (holder died) names nobody. */
export function readHolder(pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processAlive(pid) ? pid : undefined;
}
