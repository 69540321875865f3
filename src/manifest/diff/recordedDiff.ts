/**
 * `diff A B` answered from B's manifest when B was recorded against A. The manifest already
 * holds that comparison, so the trees are not read again (snapper keeps filelist-A.txt beside
 * a snapshot for the same reason). Used only where the answer is exactly what comparing the
 * trees would give; anything else is left to the comparison.
 */
import { readFileSync } from 'node:fs';
import { parseInfo } from '../../snapshots/infoXml.js';
import { bytesOfPatches, layoutOf, sortByPath, type SnapshotTrees } from './layout.js';
import type { ConfigCaps } from '../config/configPolicy.js';
import { readManifest } from '../storeJson.js';
import { isUnderEtc } from '../summary.js';
import type { ConfigChange, FileChange, Manifest } from '../types.js';
import type { SnapshotDiff } from './snapshotDiff.js';

/** Where a store keeps snapshot N's trees, info.xml and manifest (SnapshotStore satisfies this). */
export interface RecordedDiffStore extends SnapshotTrees {
  readonly dir: string;
  paths(number: number): { dir: string; info: string; manifest: string; snapshot: string; etc: string; etcStart: string };
}

/**
 * The difference from `from` to `to` as `to`'s manifest records it, or undefined when that
 * manifest is missing, unreadable, recorded against another snapshot, or cannot tell exactly.
 * `caps` must be the caps the manifest was built with (the defaults: they are not settable).
 */
export async function recordedDiff(
  store: RecordedDiffStore,
  from: number,
  to: number,
  caps: ConfigCaps,
): Promise<SnapshotDiff | undefined> {
  const manifest = usableManifest(store, to);
  if (manifest === undefined || manifest.base !== from || !isTheRecordedBase(store, manifest)) return undefined;
  const { etc: outsideFiles, etcConfig: outsideConfig } = manifest.outside;
  if (outsideFiles.length === 0 && outsideConfig.length === 0) {
    return assemble(from, to, manifest, manifest.files, manifest.config);
  }
  if (composable(manifest, caps)) {
    return assemble(from, to, manifest, sortByPath([...manifest.files, ...outsideFiles]), sortByPath([...manifest.config, ...outsideConfig]));
  }
  // The same /etc path changed on the running system and again in the transaction: only the
  // two etc copies can tell how it ended up. The root part stays as recorded.
  const before = layoutOf(store, from);
  const after = layoutOf(store, to);
  if (before.etc === undefined || after.etc === undefined) return undefined;
  const { compareEtc } = await import('./compare.js');
  const etc = await compareEtc(before.etc, after.etc, caps);
  const files = sortByPath([...manifest.files.filter((f) => !isUnderEtc(f.path)), ...etc.files]);
  return { ...assemble(from, to, manifest, files, etc.config), etcCompared: true };
}

function usableManifest(store: RecordedDiffStore, number: number): Manifest | undefined {
  try {
    const manifest = readManifest(store, number);
    return manifest?.truncated?.files ? undefined : manifest;
  } catch {
    // An unreadable manifest is not needed here: the trees answer instead.
    return undefined;
  }
}

/**
 * The base must be the snapshot the manifest was made against, not a later one that took
 * its number: a base is older than the transaction that started from it.
 */
function isTheRecordedBase(store: RecordedDiffStore, manifest: Manifest): boolean {
  let baseDate: Date;
  try {
    baseDate = parseInfo(readFileSync(store.paths(manifest.base!).info, 'utf8')).date;
  } catch {
    return false;
  }
  const started = Date.parse(manifest.provenance.startedAt);
  return Number.isFinite(started) && baseDate.getTime() <= started;
}

/**
 * Changes made outside the transaction and by it add up path by path when no path is in
 * both: a path only one side touched is, on the other side, the same in both of its trees.
 * The /etc diffs add up too while neither side was capped and together they stay within
 * the cap one comparison would have had.
 */
function composable(manifest: Manifest, caps: ConfigCaps): boolean {
  const outsidePaths = new Set(manifest.outside.etc.map(pathKey));
  if (manifest.files.some((f) => outsidePaths.has(pathKey(f)))) return false;
  const config = [...manifest.config, ...manifest.outside.etcConfig];
  if (config.some((c) => c.withheld === 'capped')) return false;
  return bytesOfPatches(config) <= caps.perSnapshotBytes;
}

const pathKey = (f: FileChange) => f.pathBase64 ?? f.path;

function assemble(from: number, to: number, manifest: Manifest, files: FileChange[], config: ConfigChange[]): SnapshotDiff {
  const capped = config.some((c) => c.withheld === 'capped');
  return { from, to, packages: manifest.packages, files, config, ...(capped ? { truncated: { config: true } } : {}), source: 'manifest' };
}
