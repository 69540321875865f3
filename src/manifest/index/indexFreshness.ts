/**
 * Is the index fresh? Decided from the directory listing and a stat of info.xml and
 * manifest.json per snapshot, compared with what the index recorded when it read them: no
 * file is opened when nothing changed, so `list` stays fast with a thousand snapshots.
 */

/** Identity of a file as the index saw it: inode, size, mtime; null when it did not exist. */
export type FileSignature = string | null;

export function fileSignature(stat: { ino: number; size: number; mtimeMs: number } | undefined): FileSignature {
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : null;
}

export interface OnDisk {
  number: number;
  info: FileSignature;
  json: FileSignature;
}

export interface Indexed {
  number: number;
  info: FileSignature;
  json: FileSignature;
}

export interface RefreshPlan {
  /** Snapshots whose info.xml must be (re)read. */
  readInfo: OnDisk[];
  /** Snapshots whose manifest.json must be (re)read (or dropped from the index when gone). */
  readJson: OnDisk[];
  /** Indexed snapshots whose directory is gone. */
  remove: number[];
}

export function planRefresh(onDisk: readonly OnDisk[], indexed: readonly Indexed[]): RefreshPlan {
  const known = new Map(indexed.map((row) => [row.number, row]));
  const present = new Set<number>();
  const plan: RefreshPlan = { readInfo: [], readJson: [], remove: [] };
  for (const disk of onDisk) {
    present.add(disk.number);
    const row = known.get(disk.number);
    if (!row || row.info !== disk.info) plan.readInfo.push(disk);
    if (!row || row.json !== disk.json) plan.readJson.push(disk);
  }
  for (const row of indexed) if (!present.has(row.number)) plan.remove.push(row.number);
  return plan;
}

export function isFresh(plan: RefreshPlan): boolean {
  return plan.readInfo.length === 0 && plan.readJson.length === 0 && plan.remove.length === 0;
}
