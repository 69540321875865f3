/**
 * Which snapshots have been booted, newest last (state that never rolls back:
 * /var/lib/transactional-update/booted.json). `rollback last` goes to the most recent one
 * other than the current default.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';

export interface BootRecord {
  number: number;
  firstSeen: string;
  lastSeen: string;
}

export function bootHistoryFile(stateDir: string): string {
  return join(stateDir, 'booted.json');
}

export function readBootHistory(stateDir: string): BootRecord[] {
  const file = bootHistoryFile(stateDir);
  if (!existsSync(file)) return [];
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { booted?: BootRecord[] };
    return (data.booted ?? []).filter((r) => Number.isInteger(r.number));
  } catch {
    return [];
  }
}

/** Record that `number` is the booted snapshot now; it moves to the end of the history. */
export function recordBooted(stateDir: string, number: number, now = new Date()): void {
  const history = readBootHistory(stateDir);
  const last = history.at(-1);
  if (last?.number === number && Date.parse(last.lastSeen) > now.getTime() - 3600_000) return;
  const previous = history.find((r) => r.number === number);
  const record: BootRecord = { number, firstSeen: previous?.firstSeen ?? now.toISOString(), lastSeen: now.toISOString() };
  const next = [...history.filter((r) => r.number !== number), record].slice(-100);
  mkdirSync(stateDir, { recursive: true });
  writeFileAtomic(bootHistoryFile(stateDir), `${JSON.stringify({ booted: next }, null, 2)}\n`);
}

/** The most recently booted snapshot that still exists and is not `exclude`. */
export function lastBootedOtherThan(history: BootRecord[], exclude: number | undefined, exists: (n: number) => boolean): number | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const n = history[i]!.number;
    if (n !== exclude && exists(n)) return n;
  }
  return undefined;
}

export function hasBooted(history: BootRecord[], number: number): boolean {
  return history.some((r) => r.number === number);
}
