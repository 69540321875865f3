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

/** What set a pending snapshot's level: one entry per snapshot of a --continue chain. */
export interface LevelCause {
  snapshot: number;
  level: RebootLevel;
  /** The first few paths that set it, how many more, and the changed packages owning them. */
  paths: string[];
  morePaths?: number;
  packages: string[];
  /** Set when no path decided (the package manager asked for a reboot; no manifest). */
  note?: string;
}

export interface PendingReboot {
  snapshot: number;
  level: RebootLevel;
  /**
   * What set the level, for status/show: each snapshot not booted yet that the pending one
   * builds on (--continue) adds its own; the highest level wins.
   */
  causes?: LevelCause[];
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
 * (--continue), the levels add up: that snapshot's changes have not booted either. A base that
 * is the booted snapshot adds nothing, even when the record still names it (it was pending
 * until it booted; seen under QEMU: a kexec-level snapshot, booted, made its child kexec too).
 */
export function recordRebootLevel(
  stateDir: string,
  snapshot: number,
  level: RebootLevel,
  options: { base?: number; booted?: number | undefined; now?: Date; cause?: Omit<LevelCause, 'snapshot' | 'level'> } = {},
): PendingReboot {
  const previous = readPendingReboot(stateDir);
  const continues = previous !== undefined && options.base !== undefined && previous.snapshot === options.base && options.base !== options.booted;
  const combined = continues ? maxLevel(previous.level, level) : level;
  const own: LevelCause = {
    snapshot,
    level,
    paths: options.cause?.paths ?? [],
    ...(options.cause?.morePaths ? { morePaths: options.cause.morePaths } : {}),
    packages: options.cause?.packages ?? [],
    ...(options.cause?.note ? { note: options.cause.note } : {}),
  };
  const earlier = continues ? (previous.causes ?? [{ snapshot: previous.snapshot, level: previous.level, paths: [], packages: [] }]) : [];
  const record: PendingReboot = { snapshot, level: combined, causes: [...earlier, own], recordedAt: (options.now ?? new Date()).toISOString() };
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
  if (Array.isArray(r.causes)) {
    const causes = r.causes.map(parseCause).filter((c): c is LevelCause => c !== undefined);
    if (causes.length) record.causes = causes;
  }
  const s = r.signalled as Record<string, unknown> | undefined;
  if (s && typeof s.method === 'string' && typeof s.at === 'string') record.signalled = { method: s.method, at: s.at };
  return record;
}

function parseCause(value: unknown): LevelCause | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  if (!Number.isInteger(c.snapshot) || typeof c.level !== 'string' || !isRebootLevel(c.level)) return undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    snapshot: c.snapshot as number,
    level: c.level,
    paths: strings(c.paths),
    ...(Number.isInteger(c.morePaths) && (c.morePaths as number) > 0 ? { morePaths: c.morePaths as number } : {}),
    packages: strings(c.packages),
    ...(typeof c.note === 'string' ? { note: c.note } : {}),
  };
}

/** The causes that set the combined level (the highest one); several when more snapshots share it. */
export function decidingCauses(pending: Pick<PendingReboot, 'level' | 'causes'>): LevelCause[] {
  return (pending.causes ?? []).filter((c) => c.level === pending.level);
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
