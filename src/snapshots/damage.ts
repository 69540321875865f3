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
