/**
 * Which snapshot's /etc N/etc.start was taken from, kept beside it as N/etc.start.from. The
 * merge at N's boot carries the edits made on the running system since then, so it is only
 * right when the system that ran before N is that snapshot: against any other, the
 * difference would bring that other system's own /etc (its packages' configuration) into N.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SNAPSHOT_NUMBER, type SnapshotPaths } from './store.js';

export function etcStartOriginFile(paths: Pick<SnapshotPaths, 'etcStart'>): string {
  return `${paths.etcStart}.from`;
}

export function writeEtcStartOrigin(paths: Pick<SnapshotPaths, 'etcStart'>, origin: number): void {
  writeFileSync(etcStartOriginFile(paths), `${origin}\n`);
}

/** Undefined when not recorded (a snapshot made before the record existed) or not a number. */
export function readEtcStartOrigin(paths: Pick<SnapshotPaths, 'etcStart'>): number | undefined {
  let text: string;
  try {
    text = readFileSync(etcStartOriginFile(paths), 'utf8').trim();
  } catch {
    return undefined;
  }
  return SNAPSHOT_NUMBER.test(text) ? Number(text) : undefined;
}
