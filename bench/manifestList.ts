/**
 * The `list` benchmark's data: a snapshot store with many fake snapshots (info.xml and
 * manifest.json, no btrfs) and the timing of listSummaries over it. Target: `list` with 1,000
 * snapshots under 120 ms in total, Node's own start (~55 ms) included, so the index path
 * itself must stay far below that when the index is fresh.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeInfo } from '../src/snapshots/infoXml.js';
import { writeFileAtomic } from '../src/util/atomicWrite.js';
import { listSummaries, ensureIndexFresh } from '../src/manifest/index/indexDb.js';
import { serializeManifest, type ManifestLocator } from '../src/manifest/storeJson.js';
import type { FileChange, Manifest, PackageChange } from '../src/manifest/types.js';

export function fakeStore(dir: string): ManifestLocator {
  return {
    dir,
    paths: (n: number) => ({ dir: join(dir, String(n)), manifest: join(dir, String(n), 'manifest.json') }),
  };
}

/** A plausible manifest of snapshot n: a few packages, some files, one /etc diff. */
export function fakeManifest(n: number, filesPerSnapshot = 40): Manifest {
  const packages: PackageChange[] = [
    { name: `pkg-${n}`, arch: 'amd64', from: null, to: '1.0-1', change: 'installed' },
    { name: 'libc6', arch: 'amd64', from: '2.36-9', to: '2.36-9+deb12u1', change: 'upgraded' },
    { name: 'old-tool', arch: 'all', from: '0.9', to: null, change: 'removed' },
  ];
  const files: FileChange[] = [];
  for (let i = 0; i < filesPerSnapshot; i += 1) {
    files.push({ path: `/usr/share/pkg-${n}/file-${i}`, change: 'created' });
  }
  files.push({ path: '/etc/pkg.conf', change: 'modified', modified: { content: true } });
  return {
    schemaVersion: 1,
    number: n,
    base: n > 1 ? n - 1 : null,
    description: `pkg install pkg-${n}`,
    provenance: {
      commandLine: ['transactional-update', 'pkg', 'install', `pkg-${n}`],
      user: 'root',
      startedAt: '2026-11-22T04:00:00.000Z',
      endedAt: '2026-11-22T04:01:00.000Z',
      exitStatus: 0,
      baseNumber: n > 1 ? n - 1 : null,
      packageManager: 'apt',
    },
    packages,
    files,
    config: [{ path: '/etc/pkg.conf', change: 'modified', patch: '--- a/etc/pkg.conf\n+++ b/etc/pkg.conf\n@@ -1 +1 @@\n-a=1\n+a=2\n' }],
    outside: { etc: [], etcConfig: [], sharedWrites: [] },
  };
}

/** Create `count` snapshot directories 1..count, each with info.xml and manifest.json. */
export function createFakeSnapshots(dir: string, count: number, options: { filesPerSnapshot?: number } = {}): ManifestLocator {
  const store = fakeStore(dir);
  for (let n = 1; n <= count; n += 1) {
    const paths = store.paths(n);
    mkdirSync(paths.dir, { recursive: true });
    writeFileAtomic(
      join(paths.dir, 'info.xml'),
      serializeInfo({
        type: 'single',
        num: n,
        date: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000),
        description: `pkg install pkg-${n}`,
        cleanup: 'number',
        userdata: { 'transactional-update': 'yes' },
      }),
    );
    writeFileAtomic(paths.manifest, serializeManifest(fakeManifest(n, options.filesPerSnapshot)));
  }
  return store;
}

export interface ListBenchmark {
  snapshots: number;
  /** First listing: builds the index from every manifest.json. */
  coldMs: number;
  /** Listing with a fresh index (what `list` costs every time after). */
  warmMs: number;
}

export function benchmarkManifestList(count = 1000): ListBenchmark {
  const dir = mkdtempSync(join(tmpdir(), 'tu-bench-list-'));
  try {
    const store = createFakeSnapshots(dir, count);
    let start = performance.now();
    ensureIndexFresh(store).close();
    const coldMs = performance.now() - start;
    const runs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      start = performance.now();
      if (listSummaries(store).length !== count) throw new Error('listSummaries lost snapshots');
      runs.push(performance.now() - start);
    }
    runs.sort((a, b) => a - b);
    return { snapshots: count, coldMs, warmMs: runs[Math.floor(runs.length / 2)]! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
