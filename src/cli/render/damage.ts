/**
 * Damaged snapshots as `list` and `status` name them: the store's own findings (info.xml,
 * subvolume) and the index's (manifest.json that is not valid).
 */
import type { SnapshotRow } from '../../snapshots/overview.js';

export const MANIFEST_DAMAGE = 'manifest.json unreadable';

/** The index's word on a snapshot's manifest, when it has one. */
export interface ManifestHealth {
  manifestError: string | null;
}

export function damageOf(row: Pick<SnapshotRow, 'damage'>, manifest: ManifestHealth | undefined): string[] {
  return manifest?.manifestError ? [...row.damage, MANIFEST_DAMAGE] : [...row.damage];
}

/** list's state column: "pending", "in progress", "failed", "damaged: info.xml unreadable". */
export function stateText(row: Pick<SnapshotRow, 'pending' | 'inProgress' | 'failed' | 'damage'>): string {
  const words = [row.pending ? 'pending' : '', row.inProgress ? 'in progress' : '', row.failed ? 'failed' : ''].filter(Boolean);
  if (row.damage.length) words.push(`damaged: ${row.damage.join(', ')}`);
  return words.join(',');
}

export interface DamagedSnapshot {
  number: number;
  damage: string[];
}

export function damagedSnapshots(
  rows: readonly Pick<SnapshotRow, 'number' | 'damage'>[],
  manifestOf: (number: number) => ManifestHealth | undefined,
): DamagedSnapshot[] {
  return rows
    .map((row) => ({ number: row.number, damage: damageOf(row, manifestOf(row.number)) }))
    .filter((d) => d.damage.length > 0);
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
