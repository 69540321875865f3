/** `list`: the snapshot table for people, and its --json rows (docs/json-output.md). */
import type { SnapshotRow } from '../../snapshots/overview.js';
import { escapeControl } from '../../util/escape.js';
import { damageOf, type ManifestHealth } from '../../snapshots/damage.js';
import { stateText } from './damage.js';
import { renderTable } from '../table.js';

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function markers(row: SnapshotRow): string {
  // snapper's convention: "*" booted and default, "-" booted, "+" default (next boot).
  if (row.booted && row.default) return '*';
  if (row.booted) return '-';
  if (row.default) return '+';
  return ' ';
}

/**
 * What `list` shows: never a half-made snapshot — ours and still marked in progress (a
 * transaction running now, or one a crash or power cut interrupted, which the next run
 * removes). `status` names them under "In progress".
 */
export function listedRows<T extends Pick<SnapshotRow, 'ours' | 'inProgress'>>(rows: readonly T[]): T[] {
  return rows.filter((r) => !(r.ours && r.inProgress));
}

export function renderSnapshotList(rows: readonly SnapshotRow[], summary: (n: number) => string | undefined): string {
  const table = rows.map((r) => [
    `${r.number}${markers(r)}`,
    r.date ?? '',
    r.readOnly ? 'ro' : 'rw',
    stateText(r),
    truncate(escapeControl(r.description), 48),
    summary(r.number) ?? '',
  ]);
  return `${renderTable(['#', 'date (UTC)', 'ro', 'state', 'description', 'changes'], table)}\n* booted and next boot, - booted, + next boot`;
}

export function snapshotRowJson(row: SnapshotRow, summary: unknown) {
  return {
    number: row.number,
    date: row.date,
    description: row.description,
    type: row.type,
    readOnly: row.readOnly,
    booted: row.booted,
    default: row.default,
    pending: row.pending,
    inProgress: row.inProgress,
    failed: row.failed,
    ours: row.ours,
    damage: damageOf(row, summary as ManifestHealth | undefined),
    summary: summary ?? null,
  };
}
