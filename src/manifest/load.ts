/**
 * The manifest of snapshot N for `show` and `rollback`: manifest.json when it exists;
 * otherwise computed now (snapshots made by snapper or an older tool) and stored for next time.
 */
import { computeManifestOnDemand, type ManifestStore } from './build.js';
import { recordManifest } from './record.js';
import { readManifest } from './storeJson.js';
import type { Manifest } from './types.js';

export async function loadManifest(
  store: ManifestStore,
  number: number,
  options: { store?: boolean } = {},
): Promise<Manifest> {
  const existing = readManifest(store, number);
  if (existing) return existing;
  const computed = await computeManifestOnDemand(store, number);
  if (options.store !== false) recordManifest(store, computed);
  return computed;
}
