/**
 * What `list` and `rollback` take from the manifest: a summary per snapshot (from the
 * index, no manifest read when it is fresh) and the rollback preview.
 */
import { listSummaries, type SnapshotSummary } from './indexDb.js';
import { previewRollback, type RollbackPreview } from './rollbackPreview.js';
import { diffSnapshots } from './snapshotDiff.js';
import type { ManifestLocator } from './storeJson.js';
import type { SnapshotTrees } from './compare.js';

export interface SummaryEntry {
  /** "+2 ~14 -1 packages · 312 files · 3 in /etc", or why there is none. */
  text: string;
  data: SnapshotSummary;
}

/** Reads the index once; the lookup is then synchronous. */
export function summaryLookup(store: ManifestLocator): (number: number) => SummaryEntry | undefined {
  const byNumber = new Map(listSummaries(store).map((s) => [s.number, s]));
  return (number) => {
    const s = byNumber.get(number);
    if (!s) return undefined;
    const text = s.summary ?? (s.manifestError ? 'manifest unreadable' : s.ours ? '' : 'no manifest (see show)');
    return { text, data: s };
  };
}

/** What going back from `from` to `to` undoes and brings back. */
export async function rollbackPreviewFor(store: SnapshotTrees, from: number, to: number): Promise<RollbackPreview> {
  return previewRollback(await diffSnapshots(store, from, to));
}
