/**
 * The reboot a pending snapshot needs, kept in <stateDir>/reboot.json (stateDir is
 * /var/lib/transactional-update: it never rolls back). Written by a transaction, read by
 * `reboot --if-needed` and `status`, obsolete once the snapshot has booted.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TuError, errorMessage } from '../errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { parseJsonObject } from '../util/files.js';
import { escapeControl } from '../util/escape.js';
import { isRebootLevel, maxLevel, type RebootLevel } from './level.js';

export interface PendingReboot {
  snapshot: number;
  level: RebootLevel;
  /** ISO time the level was recorded. */
  recordedAt: string;
  /** Set once a signalling method (kured, rebootmgr, notify) was used for this snapshot. */
  signalled?: { method: string; at: string };
}

export const REBOOT_STATE_FILE = 'reboot.json';

export function rebootStatePath(stateDir: string): string {
  return join(stateDir, REBOOT_STATE_FILE);
}

/**
 * Record the level `snapshot` needs. With `base` naming the pending snapshot it continues
 * (--continue), the levels add up: that snapshot's changes have not booted either.
 */
export function recordRebootLevel(
  stateDir: string,
  snapshot: number,
  level: RebootLevel,
  options: { base?: number; now?: Date } = {},
): PendingReboot {
  const previous = readPendingReboot(stateDir);
  const combined = previous && options.base !== undefined && previous.snapshot === options.base ? maxLevel(previous.level, level) : level;
  const record: PendingReboot = { snapshot, level: combined, recordedAt: (options.now ?? new Date()).toISOString() };
  writeState(stateDir, record);
  return record;
}

/** The recorded pending reboot, or undefined when none is recorded. */
export function readPendingReboot(stateDir: string): PendingReboot | undefined {
  const path = rebootStatePath(stateDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw new TuError(`cannot read ${escapeControl(path)}: ${errorMessage(error)}`);
  }
  const record = parseRecord(text);
  if (!record) {
    throw new TuError(`${escapeControl(path)} is damaged`, {
      hint: 'remove it; the next transaction records the reboot level again',
    });
  }
  return record;
}

export function parseRecord(text: string): PendingReboot | undefined {
  const r = parseJsonObject(text);
  if (!r) return undefined;
  if (!Number.isInteger(r.snapshot) || typeof r.level !== 'string' || !isRebootLevel(r.level) || typeof r.recordedAt !== 'string') {
    return undefined;
  }
  const record: PendingReboot = { snapshot: r.snapshot as number, level: r.level, recordedAt: r.recordedAt };
  const s = r.signalled as Record<string, unknown> | undefined;
  if (s && typeof s.method === 'string' && typeof s.at === 'string') record.signalled = { method: s.method, at: s.at };
  return record;
}

/**
 * Note that kured/rebootmgr/notify was used for the pending snapshot, so the reboot timer
 * does not repeat it. Writes the record when there was none (a rollback's pending snapshot).
 */
export function markSignalled(stateDir: string, pending: PendingReboot, method: string, now: Date = new Date()): void {
  const at = now.toISOString();
  const { signalled: _previous, ...rest } = pending;
  writeState(stateDir, { ...rest, recordedAt: pending.recordedAt || at, signalled: { method, at } });
}

export function clearPendingReboot(stateDir: string): void {
  rmSync(rebootStatePath(stateDir), { force: true });
}

/**
 * What is pending, from the pointers: a reboot is pending when the next boot is not the
 * running snapshot. The record supplies the level; without a matching record (a rollback, a
 * record lost) the level is a full reboot, the safe side. Pure; the caller gathers the numbers.
 */
export function pendingFromState(
  record: PendingReboot | undefined,
  system: { booted: number | undefined; nextBoot: number | undefined },
): PendingReboot | undefined {
  if (system.nextBoot === undefined || system.nextBoot === system.booted) return undefined;
  if (record && record.snapshot === system.nextBoot) return record;
  return { snapshot: system.nextBoot, level: 'reboot', recordedAt: '' };
}

function writeState(stateDir: string, record: PendingReboot): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  writeFileAtomic(rebootStatePath(stateDir), `${JSON.stringify(record, null, 2)}\n`);
}
