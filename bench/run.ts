/**
 * `npm run bench`: the manifest's speed and memory targets, each measured against a baseline
 * taken in the same run on the same machine (no absolute time is asserted by any test).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { sendToNull } from '../src/btrfs/send.js';
import { computeFileChanges } from '../src/manifest/files/fileChanges.js';
import { writeManifest } from '../src/manifest/storeJson.js';
import { serializeInfo } from '../src/snapshots/infoXml.js';
import { MARKER_KEY } from '../src/snapshots/store.js';
import { fakeManifest } from './manifestList.js';
import { createBenchSystem, type BenchSystem } from './fixtureSystem.js';

const CLI = join(process.cwd(), 'dist/cli/main.cjs');
const RUNS = 5;

interface Row {
  target: string;
  measured: string;
  baseline: string;
  ratio: number | null;
  limit: string;
  pass: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const nodeStart = () => execa(process.execPath, ['-e', '0']);

/**
 * A measurement and its baseline, run in alternation after one warm-up each: the load of a
 * shared machine drifts, and alternation lets the drift hit both sides alike.
 */
async function timePair(
  fn: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  runs = RUNS,
): Promise<{ measured: number; baseline: number }> {
  await baseline();
  await fn();
  const measured: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    await baseline();
    base.push(performance.now() - start);
    start = performance.now();
    await fn();
    measured.push(performance.now() - start);
  }
  return { measured: median(measured), baseline: median(base) };
}

/** A command and Node's bare start, measured in alternation. */
async function timeAgainstNode(fn: () => Promise<unknown>, runs = 2 * RUNS): Promise<{ measured: number; node: number }> {
  const pair = await timePair(fn, nodeStart, runs);
  return { measured: pair.measured, node: pair.baseline };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * The issue states two targets as wall time on a machine where Node starts in about 55 ms
 * (100 ms for a small diff, 120 ms for list). Node's start-up here is measured in the same
 * run, so those targets are applied as multiples of it: 100/55 and 120/55 of Node's start.
 */
const ISSUE_NODE_START_MS = 55;
const startRelative = (targetMs: number) => targetMs / ISSUE_NODE_START_MS;

async function cli(args: string[]): Promise<void> {
  const r = await execa(process.execPath, [CLI, ...args], { stdout: 'ignore', stderr: 'pipe', reject: false });
  if (r.exitCode !== 0) throw new Error(`transactional-update ${args.join(' ')} failed: ${r.stderr}`);
}

async function peakRssKiB(args: string[]): Promise<number> {
  const r = await execa('/usr/bin/time', ['-f', '%M', process.execPath, CLI, ...args], { stdout: 'ignore', reject: false });
  return Number(r.stderr.trim().split('\n').at(-1));
}

async function snapperStatus(sys: BenchSystem, config: string, a: number, b: number): Promise<void> {
  // snapper caches the file list of a comparison (filelist-A.txt, gzipped as .txt.gz); the
  // target is about computing it.
  for (const [dir, other] of [[b, a], [a, b]] as const) {
    for (const suffix of ['', '.gz']) rmSync(join(sys.store.dir, String(dir), `filelist-${other}.txt${suffix}`), { force: true });
  }
  await execa('snapper', ['--no-dbus', '-c', config, 'status', `${a}..${b}`], { stdout: 'ignore' });
}

function addListingSnapshots(sys: BenchSystem, count: number): void {
  for (let n = 100; n < 100 + count; n++) {
    const dir = join(sys.store.dir, String(n));
    mkdirSync(dir);
    writeFileSync(join(dir, 'info.xml'), serializeInfo({
      type: 'single', num: n, date: new Date(Date.UTC(2026, 0, 1) + n * 60_000), description: `pkg install bench-${n}`,
      cleanup: 'number', userdata: { [MARKER_KEY]: 'yes' },
    }));
    writeManifest(sys.store, fakeManifest(n));
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (loop devices, btrfs)');
  process.stdout.write('Building the benchmark system (about 100,000 files)…\n');
  const sys = await createBenchSystem();
  const config = `tu-bench-${process.pid}`;
  const configFile = join('/etc/snapper/configs', config);
  mkdirSync('/etc/snapper/configs', { recursive: true });
  writeFileSync(configFile, `SUBVOLUME="${sys.root}"\nFSTYPE="btrfs"\n`);
  const rows: Row[] = [];
  try {
    const p1 = sys.store.paths(1).snapshot;
    const pSmall = sys.store.paths(sys.changed.small).snapshot;
    const pLarge = sys.store.paths(sys.changed.large).snapshot;
    let largeCount = 0;
    let smallCount = 0;

    // Large change set.
    const { measured: oursLarge, baseline: rawLarge } = await timePair(
      async () => { largeCount = (await computeFileChanges(p1, pLarge, { mountPrefix: '/' })).length; },
      () => sendToNull(pLarge, p1),
    );
    rows.push({ target: `large (${largeCount} paths): file changes vs raw btrfs send`, measured: ms(oursLarge), baseline: ms(rawLarge), ratio: oursLarge / rawLarge, limit: '≤ 1.15×', pass: oursLarge <= 1.15 * rawLarge });
    const { measured: diffLarge, baseline: snapperLarge } = await timePair(
      () => cli(['--root', sys.root, 'diff', '1', String(sys.changed.large)]),
      () => snapperStatus(sys, config, 1, sys.changed.large),
      3,
    );
    rows.push({ target: 'large: whole diff command vs snapper status', measured: ms(diffLarge), baseline: ms(snapperLarge), ratio: diffLarge / snapperLarge, limit: '≤ 0.8×', pass: diffLarge <= 0.8 * snapperLarge });
    // For reference: the same diff computed from the two snapshots, not read from the manifest.
    const { measured: recomputeLarge, baseline: snapperLarge2 } = await timePair(
      () => cli(['--root', sys.root, 'diff', '--recompute', '1', String(sys.changed.large)]),
      () => snapperStatus(sys, config, 1, sys.changed.large),
      3,
    );
    rows.push({ target: 'large: diff --recompute vs snapper status', measured: ms(recomputeLarge), baseline: ms(snapperLarge2), ratio: recomputeLarge / snapperLarge2, limit: 'report', pass: true });

    // Small change set.
    const diffSmall = await timeAgainstNode(() => cli(['--root', sys.root, 'diff', '1', String(sys.changed.small)]));
    rows.push(startupRow('small: whole diff command', diffSmall.measured, diffSmall.node, 100));
    const recomputeSmall = await timeAgainstNode(() => cli(['--root', sys.root, 'diff', '--recompute', '1', String(sys.changed.small)]));
    rows.push({ ...startupRow('small: diff --recompute', recomputeSmall.measured, recomputeSmall.node, 100), limit: 'report', pass: true });
    const { measured: oursSmall, baseline: walk } = await timePair(
      async () => { smallCount = (await computeFileChanges(p1, pSmall, { mountPrefix: '/' })).length; },
      async () => execa('rsync', ['-ain', '--delete', `${p1}/`, `${pSmall}/`], { stdout: 'ignore' }),
      3,
    );
    rows.push({ target: `small (${smallCount} paths): file changes vs full tree walk (rsync -ain)`, measured: ms(oursSmall), baseline: ms(walk), ratio: walk / oursSmall, limit: '≥ 20× faster', pass: walk >= 20 * oursSmall });

    // list with 1,000 snapshots.
    addListingSnapshots(sys, 1000);
    const list = await timeAgainstNode(() => cli(['--root', sys.root, 'list']));
    rows.push(startupRow('list with 1,000 snapshots: whole command', list.measured, list.node, 120));

    // Memory: the stream is read as it arrives; peak RSS of the whole command.
    const rssLarge = await peakRssKiB(['--root', sys.root, 'diff', '--json', '--recompute', '1', String(sys.changed.large)]);
    const rssSmall = await peakRssKiB(['--root', sys.root, 'diff', '--json', '--recompute', '1', String(sys.changed.small)]);
    rows.push({ target: 'peak memory of diff --recompute (from the stream): large vs small', measured: `${(rssLarge / 1024).toFixed(0)} MiB`, baseline: `${(rssSmall / 1024).toFixed(0)} MiB`, ratio: rssLarge / rssSmall, limit: 'report', pass: true });
  } finally {
    rmSync(configFile, { force: true });
    await sys.destroy();
  }
  printTable(rows);
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}

/** A whole-command target given in ms at the issue's Node start, applied to this machine's. */
function startupRow(target: string, measured: number, nodeStart: number, issueMs: number): Row {
  const factor = startRelative(issueMs);
  const ratio = measured / nodeStart;
  return {
    target,
    measured: ms(measured),
    baseline: `node start ${ms(nodeStart)}`,
    ratio,
    limit: `< ${factor.toFixed(2)}× (${issueMs} ms at ${ISSUE_NODE_START_MS})`,
    pass: ratio < factor,
  };
}

function printTable(rows: Row[]): void {
  const header = ['target', 'measured', 'baseline', 'ratio', 'limit', 'result'];
  const cells = rows.map((r) => [r.target, r.measured, r.baseline, r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`, r.limit, r.pass ? 'pass' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
