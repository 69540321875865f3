/**
 * Assembly of a snapshot's manifest against its base (docs/architecture.md, step 5), and of
 * manifests computed after the fact for snapshots someone else made.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseInfo } from '../snapshots/infoXml.js';
import { IN_PROGRESS_KEY } from '../snapshots/store.js';
import { compareEtc, comparePackages, compareTrees, bytesOfPatches, layoutOf, type SnapshotTrees } from './diff/compare.js';
import { DEFAULT_CONFIG_CAPS, type ConfigCaps } from './config/configPolicy.js';
import { MANIFEST_SCHEMA_VERSION } from './validate.js';
import type { ConfigChange, FileChange, Manifest, Provenance } from './types.js';
import { isSubvolumeRoot } from '../btrfs/subvolume.js';

/** The store as the manifest needs it (SnapshotStore satisfies this). */
export interface ManifestStore extends SnapshotTrees {
  readonly dir: string;
  paths(number: number): { dir: string; info: string; snapshot: string; etc: string; etcStart: string; manifest: string };
  numbers(): number[];
}

export interface BuildManifestInput {
  store: ManifestStore;
  /** The snapshot the transaction started from; null for a first snapshot (everything is new). */
  base: number | null;
  /** The new snapshot: N/snapshot and N/etc read-only and complete. */
  number: number;
  provenance: Provenance;
  /** Writes the transaction made to shared subvolumes (/var, /opt, …), as the engine found them. */
  sharedWrites: FileChange[];
  /** Defaults to info.xml's description. */
  description?: string;
  /**
   * Compare the transaction with its base as a whole, telling nothing apart as made outside
   * it: N/etc.start is not the /etc N began with (--continue on a snapshot that has not booted
   * keeps that one's merge base), or there is none (a snapshot made by someone else).
   */
  compareWhole?: boolean;
  caps?: ConfigCaps;
}

/**
 * The manifest of snapshot `number` against `base`. The transaction's own /etc changes run
 * from N/etc.start (the /etc it began with) to N/etc; edits made on the running system
 * before it (the base's etc to N/etc.start) are recorded apart, under `outside`.
 */
export async function buildManifest(input: BuildManifestInput): Promise<Manifest> {
  const { store, base, number } = input;
  const caps = input.caps ?? DEFAULT_CONFIG_CAPS;
  const next = layoutOf(store, number);
  const description = input.description ?? readDescription(store, number);

  if (base === null) {
    return assemble(input, description, {
      packages: await comparePackages(undefined, next.root),
      files: [],
      config: [],
      outsideEtc: [],
      outsideConfig: [],
    });
  }

  const before = layoutOf(store, base);
  const etcStart = store.paths(number).etcStart;
  const hasStart = !input.compareWhole && before.etc !== undefined && next.etc !== undefined && isSubvolumeRoot(etcStart);
  // Without a separate start copy, the transaction is compared with its base as a whole.
  const transaction = await compareTrees(hasStart ? { ...before, etc: etcStart } : before, next, caps);
  const outside = hasStart
    ? await compareEtc(before.etc!, etcStart, { ...caps, perSnapshotBytes: Math.max(0, caps.perSnapshotBytes - bytesOfPatches(transaction.config)) })
    : { files: [], config: [] };
  return assemble(input, description, {
    packages: await comparePackages(before.root, next.root),
    files: transaction.files,
    config: transaction.config,
    outsideEtc: outside.files,
    outsideConfig: outside.config,
  });
}

/**
 * The manifest of a snapshot made by someone else (snapper, an older tool), against the
 * previous snapshot that exists. Provenance is what info.xml tells.
 */
export async function computeManifestOnDemand(
  store: ManifestStore,
  number: number,
  options: { caps?: ConfigCaps } = {},
): Promise<Manifest> {
  const base = previousSnapshot(store, number);
  const info = readInfo(store, number);
  const date = info?.date.toISOString() ?? new Date(0).toISOString();
  const manifest = await buildManifest({
    store,
    base,
    number,
    compareWhole: true,
    sharedWrites: [],
    description: info?.description ?? '',
    caps: options.caps,
    provenance: {
      commandLine: [],
      user: '',
      startedAt: date,
      endedAt: date,
      exitStatus: 0,
      baseNumber: base,
      packageManager: null,
    },
  });
  return { ...manifest, computedOnDemand: true };
}

/** The highest snapshot number below `number` with a root and no transaction in progress, or null. */
export function previousSnapshot(store: ManifestStore, number: number): number | null {
  const candidates = store
    .numbers()
    .filter((n) => n < number && existsSync(store.paths(n).snapshot) && readInfo(store, n)?.userdata[IN_PROGRESS_KEY] !== 'yes');
  return candidates.at(-1) ?? null;
}

interface Parts {
  packages: Manifest['packages'];
  files: FileChange[];
  config: ConfigChange[];
  outsideEtc: FileChange[];
  outsideConfig: ConfigChange[];
}

function assemble(input: BuildManifestInput, description: string, parts: Parts): Manifest {
  const capped = [...parts.config, ...parts.outsideConfig].some((c) => c.withheld === 'capped');
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    number: input.number,
    base: input.base,
    description,
    provenance: { ...input.provenance, baseNumber: input.base },
    packages: parts.packages,
    files: parts.files,
    config: parts.config,
    outside: { etc: parts.outsideEtc, etcConfig: parts.outsideConfig, sharedWrites: input.sharedWrites },
    ...(capped ? { truncated: { config: true } } : {}),
  };
}

function readInfo(store: ManifestStore, number: number) {
  try {
    return parseInfo(readFileSync(store.paths(number).info, 'utf8'));
  } catch {
    return undefined;
  }
}

function readDescription(store: ManifestStore, number: number): string {
  return readInfo(store, number)?.description ?? '';
}
