/**
 * The --json output of show, diff and the rollback preview (docs/json-output.md). Paths are
 * absolute (/etc included) and exactly as the manifest holds them; JSON escaping makes them
 * safe, and pathBase64 carries names that are not UTF-8.
 */
import { countManifest, summarizeManifest } from '../../manifest/summary.js';
import type { RollbackPreview } from '../../manifest/rollbackPreview.js';
import type { SnapshotDiff } from '../../manifest/diff/snapshotDiff.js';
import type { ConfigChange, Manifest, PackageChange } from '../../manifest/types.js';

export const JSON_OUTPUT_VERSION = 1;

const pkg = (p: PackageChange) => ({ name: p.name, arch: p.arch, from: p.from, to: p.to, change: p.change });
const config = (c: ConfigChange) => ({ path: c.path, change: c.change, patch: c.patch, ...(c.withheld ? { withheld: c.withheld } : {}) });

export function showJson(m: Manifest, level?: { level: string; paths: string[]; morePaths?: number; packages: string[]; note?: string }) {
  return {
    version: JSON_OUTPUT_VERSION,
    snapshot: m.number,
    base: m.base,
    description: m.description,
    computedOnDemand: m.computedOnDemand === true,
    provenance: m.provenance,
    summary: summarizeManifest(m),
    counts: countManifest(m),
    packages: m.packages.map(pkg),
    files: m.files,
    config: m.config.map(config),
    outside: { etc: m.outside.etc, config: m.outside.etcConfig.map(config), sharedWrites: m.outside.sharedWrites },
    truncated: { files: m.truncated?.files === true, config: m.truncated?.config === true },
    ...(level
      ? {
          rebootLevel: {
            level: level.level,
            paths: level.paths,
            morePaths: level.morePaths ?? 0,
            packages: level.packages,
            ...(level.note ? { note: level.note } : {}),
          },
        }
      : {}),
  };
}

export function diffJson(d: SnapshotDiff) {
  return {
    version: JSON_OUTPUT_VERSION,
    from: d.from,
    to: d.to,
    packages: d.packages.map(pkg),
    files: d.files,
    config: d.config.map(config),
    truncated: { config: d.truncated?.config === true },
    source: d.source,
  };
}

export function rollbackPreviewJson(r: RollbackPreview) {
  return {
    version: JSON_OUTPUT_VERSION,
    from: r.from,
    to: r.to,
    packages: {
      removed: r.packages.removed.map(pkg),
      restored: r.packages.restored.map(pkg),
      downgraded: r.packages.downgraded.map(pkg),
      upgraded: r.packages.upgraded.map(pkg),
    },
    files: r.files,
    etc: { paths: r.etc.paths, config: r.etc.config.map(config) },
    nothingChanges: r.nothingChanges,
  };
}

/** One JSON document and a newline. */
export function formatJson(value: unknown): string {
  return `${escapeJsonControls(JSON.stringify(value, null, 2))}\n`;
}

/** One JSON document on one line (list, status). */
export function jsonLine(value: unknown): string {
  return escapeJsonControls(JSON.stringify(value));
}

// eslint-disable-next-line no-control-regex
const UNESCAPED_BY_JSON = /[\u007f-\u009f\u2028\u2029]/g;

/**
 * JSON.stringify escapes C0 controls but leaves DEL, the C1 controls (U+009B is a CSI to some
 * terminals) and the line separators raw: escape them too, so no control character from a
 * file name reaches a terminal even through --json. The parsed value is the same.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(UNESCAPED_BY_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
