/**
 * What is wrong with a snapshot's own metadata, in words a listing can show: an info.xml that
 * is missing, empty or truncated (snapper bug #98 leaves empty ones), a directory whose
 * subvolume is gone. Decided from facts gathered by the caller (pure).
 */
export interface SnapshotFacts {
  /** info.xml was read and parsed. */
  infoReadable: boolean;
  infoExists: boolean;
  /** N/snapshot exists. */
  subvolumeExists: boolean;
  /** A transaction is (or was, before a crash) still writing it: not damage yet. */
  inProgress: boolean;
}

export type Damage = 'info.xml missing' | 'info.xml unreadable' | 'snapshot subvolume missing';

export function snapshotDamage(facts: SnapshotFacts): Damage[] {
  const damage: Damage[] = [];
  if (!facts.infoReadable) damage.push(facts.infoExists ? 'info.xml unreadable' : 'info.xml missing');
  if (!facts.subvolumeExists && !facts.inProgress) damage.push('snapshot subvolume missing');
  return damage;
}

/**
 * A snapshot's damage as `list` and `status` name it: the store's own findings (info.xml,
 * subvolume) and the index's (a manifest.json that is not valid).
 */
export const MANIFEST_DAMAGE = 'manifest.json unreadable';

/** The index's word on a snapshot's manifest, when it has one. */
export interface ManifestHealth {
  manifestError: string | null;
}

export function damageOf(row: { damage: readonly string[] }, manifest: ManifestHealth | undefined): string[] {
  return manifest?.manifestError ? [...row.damage, MANIFEST_DAMAGE] : [...row.damage];
}

export interface DamagedSnapshot {
  number: number;
  damage: string[];
}

export function damagedSnapshots(
  rows: readonly { number: number; damage: readonly string[] }[],
  manifestOf: (number: number) => ManifestHealth | undefined,
): DamagedSnapshot[] {
  return rows
    .map((row) => ({ number: row.number, damage: damageOf(row, manifestOf(row.number)) }))
    .filter((d) => d.damage.length > 0);
}

