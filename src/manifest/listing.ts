/**
 * What `list` and `rollback` take from the manifest: a summary per snapshot (from the
 * index, no manifest read when it is fresh) and the rollback preview.
 *
 * `list` must stay fast: this module loads only the index. The comparison behind the
 * rollback preview (send streams, hence the subprocess layer) is imported when asked for.
 */
import { listSummaries, type SnapshotSummary } from './indexDb.js';
import type { RollbackPreview } from './rollbackPreview.js';
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
  const [{ diffSnapshots }, { previewRollback }] = await Promise.all([import('./snapshotDiff.js'), import('./rollbackPreview.js')]);
  return previewRollback(await diffSnapshots(store, from, to));
}
