/**
 * The engine's one call at transaction step 9: write manifest.json (the source of truth),
 * then index it. A failing index never fails the transaction: the next reader rebuilds it.
 */
import { errorMessage } from '../errors.js';
import { log } from '../util/log.js';
import { ensureIndexFresh, indexManifest, indexOneSnapshot } from './index/indexDb.js';
import { fileSignatureOf } from './index/indexFreshness.js';
import { writeManifest, type ManifestLocator } from './storeJson.js';
import type { Manifest } from './types.js';

export function recordManifest(store: ManifestLocator, manifest: Manifest): void {
  writeManifest(store, manifest);
  indexRecordedManifest(store, manifest);
}

/**
 * Index a manifest already written: its snapshot alone when the index opens, otherwise the
 * whole index brought up to date (repaired, rebuilt). A failure is a warning (the next reader
 * rebuilds).
 */
export function indexRecordedManifest(store: ManifestLocator, manifest: Manifest): void {
  try {
    indexOneSnapshot(store, manifest);
    return;
  } catch (error) {
    log.detail(`indexing snapshot ${manifest.number} alone failed (${errorMessage(error)}); bringing the whole index up to date`);
  }
  try {
    const db = ensureIndexFresh(store);
    try {
      const signature = fileSignatureOf(store.paths(manifest.number).manifest);
      const row = db.prepare('SELECT json_sig FROM snapshots WHERE number = ?').get(manifest.number) as { json_sig: string | null } | undefined;
      if (row?.json_sig !== signature) indexManifest(db, manifest, signature);
    } finally {
      db.close();
    }
  } catch (error) {
    log.warn(`could not index snapshot ${manifest.number} (${errorMessage(error)}); the index will be rebuilt on next use`);
  }
}
