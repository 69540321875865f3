/**
 * Is the index fresh? Decided from the directory listing and a stat of info.xml and
 * manifest.json per snapshot, compared with what the index recorded when it read them: no
 * file is opened when nothing changed, so `list` stays fast with a thousand snapshots.
 */

import { nativeAddon } from '../../util/addon.js';

/** Identity of a file as the index saw it: inode, size, mtime (ns); null when it did not exist. */
export type FileSignature = string | null;

/** The files' signatures as they are now: a stat(2) each, all in one call of the addon. */
export function fileSignatures(paths: readonly string[]): FileSignature[] {
  return nativeAddon().fileSignatures(paths);
}

export function fileSignatureOf(path: string): FileSignature {
  return fileSignatures([path])[0] ?? null;
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
