/**
 * File-change computation against its baselines, on two read-only snapshots the caller made:
 * the raw `btrfs send --no-data -p` into /dev/null (target: at most 1.15× on a large change
 * set) and a full tree walk, `rsync -ain --delete` (target: at least 20× faster on a small one).
 */
import { performance } from 'node:perf_hooks';
import { sendToNull } from '../src/btrfs/send.js';
import { computeFileChanges } from '../src/manifest/files/fileChanges.js';
import { run } from '../src/util/exec.js';

export interface FileChangesBenchOptions {
  /** Timed runs per measurement after one warm-up run; the median counts. Default 5. */
  runs?: number;
  /** Also time a full tree walk with rsync (slow on big trees). Default false. */
  treeWalk?: boolean;
  mountPrefix?: string;
}

export interface FileChangesBenchResult {
  /** Paths computeFileChanges reported. */
  paths: number;
  rawSendMs: number;
  fileChangesMs: number;
  /** fileChangesMs / rawSendMs. */
  ratioToSend: number;
  treeWalkMs?: number;
  /** treeWalkMs / fileChangesMs: how many times faster than the walk. */
  speedupOverWalk?: number;
  /** Peak growth of the heap while computing (bytes): memory follows the change, not the stream. */
  heapGrowthBytes: number;
}

export async function benchFileChanges(base: string, next: string, options: FileChangesBenchOptions = {}): Promise<FileChangesBenchResult> {
  const runs = options.runs ?? 5;
  const mountPrefix = options.mountPrefix ?? '/';
  let paths = 0;
  let heapGrowthBytes = 0;
  const rawSendMs = await medianMs(runs, () => sendToNull(next, base));
  const fileChangesMs = await medianMs(runs, async () => {
    const before = process.memoryUsage().heapUsed;
    const changes = await computeFileChanges(base, next, { mountPrefix });
    heapGrowthBytes = Math.max(heapGrowthBytes, process.memoryUsage().heapUsed - before);
    paths = changes.length;
  });
  const result: FileChangesBenchResult = { paths, rawSendMs, fileChangesMs, ratioToSend: fileChangesMs / rawSendMs, heapGrowthBytes };
  if (options.treeWalk) {
    result.treeWalkMs = await medianMs(Math.min(runs, 3), async () => {
      await run('rsync', ['-ain', '--delete', `${base}/`, `${next}/`]);
    });
    result.speedupOverWalk = result.treeWalkMs / fileChangesMs;
  }
  return result;
}

async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm the page cache: the targets are about the steady state
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
