/**
 * What `list` and `rollback` take from the manifest: a summary per snapshot (from the
 * index, no manifest read when it is fresh) and the rollback preview.
 *
 * `list` must stay fast: this module loads only the index. The comparison behind the
 * rollback preview (send streams, hence the subprocess layer) is imported when asked for.
 */
import { listSummaries, type SnapshotSummary } from './indexDb.js';
import type { RollbackPreview } from '../rollbackPreview.js';
import type { ManifestLocator } from '../storeJson.js';
import type { RecordedDiffStore } from '../diff/recordedDiff.js';

export interface SummaryEntry {
  /** "+2 ~14 -1 packages · 312 files · 3 in /etc", or why there is none. */
  text: string;
  data: SnapshotSummary;
}

export interface Listing {
  /** Every snapshot directory, ascending, as the (fresh) index knows it. */
  snapshots: SnapshotSummary[];
  summary(number: number): SummaryEntry | undefined;
}

/** Reads the index once; the lookups are then synchronous. */
export function readListing(store: ManifestLocator): Listing {
  const snapshots = listSummaries(store);
  const byNumber = new Map(snapshots.map((s) => [s.number, s]));
  const summary = (number: number): SummaryEntry | undefined => {
    const s = byNumber.get(number);
    if (!s) return undefined;
    const text = s.summary ?? (s.manifestError ? 'damaged: manifest.json unreadable' : s.ours ? '' : 'no manifest (see show)');
    return { text, data: s };
  };
  return { snapshots, summary };
}

/** What going back from `from` to `to` undoes and brings back. */
export async function rollbackPreviewFor(store: RecordedDiffStore, from: number, to: number): Promise<RollbackPreview> {
  const [{ diffSnapshots }, { previewRollback }] = await Promise.all([import('../diff/snapshotDiff.js'), import('../rollbackPreview.js')]);
  return previewRollback(await diffSnapshots(store, from, to));
}
