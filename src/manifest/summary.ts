/**
 * The one-line summary of a manifest shown by `list`:
 * "+2 ~14 -1 packages · 312 files · 3 in /etc".
 */
import type { FileChange, Manifest } from './types.js';

export interface ManifestCounts {
  /** Packages installed. */
  packagesAdded: number;
  /** Packages upgraded or downgraded. */
  packagesChanged: number;
  packagesRemoved: number;
  /**
   * Paths the transaction changed, root and /etc: what `show` lists under "Files". Edits
   * carried in from outside are counted in their own section, not here.
   */
  files: number;
  /** Of those, the paths under /etc. */
  etc: number;
}

export function isUnderEtc(path: string): boolean {
  return path === '/etc' || path.startsWith('/etc/');
}

export function countManifest(manifest: Pick<Manifest, 'packages' | 'files' | 'outside'>): ManifestCounts {
  let packagesAdded = 0;
  let packagesChanged = 0;
  let packagesRemoved = 0;
  for (const p of manifest.packages) {
    if (p.change === 'installed') packagesAdded += 1;
    else if (p.change === 'removed') packagesRemoved += 1;
    else packagesChanged += 1;
  }
  const paths = new Set<string>();
  const etcPaths = new Set<string>();
  const add = (f: FileChange) => {
    const key = f.pathBase64 ?? f.path;
    paths.add(key);
    if (isUnderEtc(f.path)) etcPaths.add(key);
  };
  manifest.files.forEach(add);
  return { packagesAdded, packagesChanged, packagesRemoved, files: paths.size, etc: etcPaths.size };
}

export function formatSummary(counts: ManifestCounts): string {
  const packages = `+${counts.packagesAdded} ~${counts.packagesChanged} -${counts.packagesRemoved} packages`;
  const files = `${counts.files} ${counts.files === 1 ? 'file' : 'files'}`;
  return `${packages} · ${files} · ${counts.etc} in /etc`;
}

export function summarizeManifest(manifest: Pick<Manifest, 'packages' | 'files' | 'outside'>): string {
  return formatSummary(countManifest(manifest));
}
