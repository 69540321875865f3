/** Damaged snapshots in `list`'s state column and `status`'s line (src/snapshots/damage.ts decides). */
import type { SnapshotRow } from '../../snapshots/overview.js';
import { MANIFEST_DAMAGE, type DamagedSnapshot } from '../../snapshots/damage.js';

/** list's state column: "pending", "in progress", "failed", "damaged: info.xml unreadable". */
export function stateText(row: Pick<SnapshotRow, 'pending' | 'inProgress' | 'failed' | 'damage'>): string {
  const words = [row.pending ? 'pending' : '', row.inProgress ? 'in progress' : '', row.failed ? 'failed' : ''].filter(Boolean);
  if (row.damage.length) words.push(`damaged: ${row.damage.join(', ')}`);
  return words.join(',');
}

const WHAT_TO_DO: Record<string, string> = {
  'info.xml missing': 'restore info.xml from a backup or write one in snapper\'s format',
  'info.xml unreadable': 'restore info.xml from a backup or write one in snapper\'s format',
  'snapshot subvolume missing': "'transactional-update cleanup' removes what is left of our snapshots",
  [MANIFEST_DAMAGE]: 'delete manifest.json to have it computed again',
};

/** status's line, or none: which snapshots, what is wrong, what to do. */
export function damageLines(damaged: readonly DamagedSnapshot[]): string[] {
  if (damaged.length === 0) return [];
  const list = damaged.map((d) => `${d.number} (${d.damage.join(', ')})`).join(', ');
  const todo = [...new Set(damaged.flatMap((d) => d.damage.map((x) => WHAT_TO_DO[x]).filter((x): x is string => x !== undefined)))];
  return [`Damaged: ${list}${todo.length ? ` — ${todo.join('; ')}` : ''}`];
}
