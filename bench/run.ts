/**
 * `npm run bench`: the speed targets of issue 15, each measured against a baseline taken in
 * the same run on the same machine, in alternation (no absolute time is asserted by any test).
 *
 *   large (30,547 paths): file changes from the stream  vs raw `btrfs send`          ≤ 1.20×
 *   large: whole `diff` reading the recorded manifest  vs snapper's cached `status`  ≤ 1.5×
 *   small (55 paths): whole `diff`                      vs Node's start               ≤ 1.3×
 *   `list` with 1,000 snapshots                         vs Node's start               ≤ 1.5×
 *   `run true` minus Node's start, at 10 and at 1,000   vs the raw floor              ≤ 4×
 *   `run true` against its floor, 1,000 against 10   (each ratio to the floor beside it) ≤ 1.1×
 *
 * The raw floor is what a transaction cannot do without, in a shell: snapshot, chroot `true`,
 * read-only, set-default. A few rows for reference only ("report") follow.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { cpuProfile, traceCommand } from './profile.js';

const CLI = join(process.cwd(), 'dist/cli/main.cjs');
/** Alternations per pair; the median counts. */
const RUNS = Number(process.env.TU_BENCH_RUNS ?? 7);

interface Row {
  target: string;
  measured: string;
  baseline: string;
  ratio: number | null;
  goal: string;
  /** undefined: a row for reference, no goal. */
  pass: boolean | undefined;
  /** The same ratio from CPU time (perf's task-clock of the process tree), when perf runs here. */
  cpu?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Commands measured in alternation after one warm-up each: the load of a shared machine
 * drifts, and alternation lets the drift hit all of them alike. Medians, in ms.
 */
async function timeAlternating<K extends string>(fns: Record<K, () => Promise<unknown>>, runs = RUNS): Promise<Record<K, number>> {
  const keys = Object.keys(fns) as K[];
  for (const k of keys) await fns[k]();
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < runs; i++) {
    for (const k of keys) {
      const start = performance.now();
      await fns[k]();
      samples[k].push(performance.now() - start);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, median(samples[k])])) as Record<K, number>;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * CPU time of a command and its children (perf's task-clock), median of a few runs: on a
 * machine shared with other work the wall clock waits for the run queue, CPU time does not.
 * Undefined where perf does not run.
 */
async function cpuMs(file: string, args: string[], runs = 5): Promise<number | undefined> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await execa('perf', ['stat', '-x,', '-e', 'task-clock', '--', file, ...args], {
      stdout: 'ignore', stderr: 'pipe', reject: false, env: { TU_CODE_CACHE_DIR: codeCacheDir },
    });
    const line = r.stderr.split('\n').find((l) => l.includes('task-clock'));
    const value = Number(line?.split(',')[0]);
    if (r.exitCode !== 0 || !Number.isFinite(value)) return undefined;
    samples.push(value);
  }
  return median(samples);
}

const cpuRatio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b);

let codeCacheDir = '';
const nodeStart = () => execa(process.execPath, ['-e', '0']);

/** The installed command as a script runs it; its own code cache directory (other trees' builds share the default one). */
async function cli(args: string[]): Promise<void> {
  const r = await execa(process.execPath, [CLI, ...args], {
    stdout: 'ignore', stderr: 'pipe', reject: false, env: { TU_CODE_CACHE_DIR: codeCacheDir },
  });
  if (r.exitCode !== 0) throw new Error(`transactional-update ${args.join(' ')} failed: ${r.stderr}`);
}

async function peakRssKiB(args: string[]): Promise<number> {
  const r = await execa('/usr/bin/time', ['-f', '%M', process.execPath, CLI, ...args], {
    stdout: 'ignore', reject: false, env: { TU_CODE_CACHE_DIR: codeCacheDir },
  });
  return Number(r.stderr.trim().split('\n').at(-1));
}

function filelists(sys: BenchSystem, a: number, b: number): string[] {
  const found: string[] = [];
  for (const [dir, other] of [[b, a], [a, b]] as const) {
    for (const suffix of ['', '.gz']) found.push(join(sys.store.dir, String(dir), `filelist-${other}.txt${suffix}`));
  }
  return found;
}

/** snapper's status of a..b; uncached: its file list (filelist-A.txt.gz) removed first. */
async function snapperStatus(sys: BenchSystem, config: string, a: number, b: number, cached: boolean): Promise<void> {
  if (!cached) for (const file of filelists(sys, a, b)) rmSync(file, { force: true });
  await execa('snapper', ['--no-dbus', '-c', config, 'status', `${a}..${b}`], { stdout: 'ignore' });
}

/** Fake snapshots (info.xml and manifest.json, no subvolumes) numbered from..to-1. */
function addListingSnapshots(sys: BenchSystem, from: number, to: number): void {
  for (let n = from; n < to; n++) {
    const dir = join(sys.store.dir, String(n));
    mkdirSync(dir);
    writeFileSync(join(dir, 'info.xml'), serializeInfo({
      type: 'single', num: n, date: new Date(Date.UTC(2026, 0, 1) + n * 60_000), description: `pkg install bench-${n}`,
      cleanup: 'number', userdata: { [MARKER_KEY]: 'yes' },
    }));
    writeManifest(sys.store, fakeManifest(n));
  }
}

const snapshotCount = (sys: BenchSystem) => readdirSync(sys.store.dir).filter((n) => /^\d+$/.test(n)).length;

/**
 * The raw floor of a transaction: snapshot, chroot `true`, read-only, set-default, in one
 * shell. Each run makes its own snapshot beside the store (not a numbered one); the default
 * goes back to the transactions' afterwards, and the floor's snapshots are deleted at the end.
 */
function floorScript(): string {
  return 'btrfs -q subvolume snapshot "$1" "$2" && chroot "$2" true && btrfs property set -ts "$2" ro true && btrfs subvolume set-default "$2"';
}

function rawFloor(sys: BenchSystem) {
  const dir = join(sys.store.dir, 'bench-floor');
  mkdirSync(dir, { recursive: true });
  let i = 0;
  const script = floorScript();
  return {
    async run(): Promise<void> {
      await this.wrapped(async (target) => {
        await execa('sh', ['-c', script, 'floor', sys.store.paths(1).snapshot, target]);
      });
    },
    /** The floor's CPU time (median of 5). */
    async cpu(): Promise<number | undefined> {
      const samples: number[] = [];
      for (let k = 0; k < 5; k++) {
        let value: number | undefined;
        await this.wrapped(async (target) => {
          value = await cpuMs('sh', ['-c', script, 'floor', sys.store.paths(1).snapshot, target], 1);
        });
        if (value === undefined) return undefined;
        samples.push(value);
      }
      return median(samples);
    },
    /** One floor snapshot; the default goes back to what it was. */
    async wrapped(action: (target: string) => Promise<void>): Promise<void> {
      const before = (await execa('btrfs', ['subvolume', 'get-default', sys.root])).stdout;
      await action(join(dir, String(i++)));
      const path = /path (.*)$/.exec(before.trim())?.[1];
      if (path) await execa('btrfs', ['subvolume', 'set-default', join(sys.top, path)]);
    },
    async destroy(): Promise<void> {
      for (const name of readdirSync(dir)) {
        await execa('btrfs', ['property', 'set', '-ts', join(dir, name), 'ro', 'false']);
        await execa('btrfs', ['-q', 'subvolume', 'delete', join(dir, name)]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Processes a command starts (successful execs under strace -f, itself not counted). */
async function subprocesses(args: string[]): Promise<number> {
  const trace = join(codeCacheDir, '..', 'execs.trace');
  await execa('strace', ['-f', '-qq', '-e', 'trace=execve', '-e', 'status=successful', '-o', trace, process.execPath, CLI, ...args], {
    stdout: 'ignore', stderr: 'ignore', env: { TU_CODE_CACHE_DIR: codeCacheDir },
  });
  const execs = readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes('execve(')).length;
  rmSync(trace, { force: true });
  return execs - 1;
}

interface TransactionTiming {
  snapshots: number;
  transaction: number;
  node: number;
  floor: number;
  /** (transaction − node) / floor */
  ratio: number;
  /** The same from CPU time. */
  cpu: number | undefined;
}

async function timeTransaction(sys: BenchSystem, floor: ReturnType<typeof rawFloor>): Promise<TransactionTiming> {
  const snapshots = snapshotCount(sys);
  const t = await timeAlternating({
    node: nodeStart,
    floor: () => floor.run(),
    transaction: () => cli(['--root', sys.root, 'run', 'true']),
  });
  const nodeCpu = await cpuMs(process.execPath, ['-e', '0']);
  const txCpu = await cpuMs(process.execPath, [CLI, '--root', sys.root, 'run', 'true']);
  const floorCpu = await floor.cpu();
  const cpu = nodeCpu === undefined || txCpu === undefined || floorCpu === undefined ? undefined : (txCpu - nodeCpu) / floorCpu;
  return { snapshots, ...t, ratio: (t.transaction - t.node) / t.floor, cpu };
}

function transactionRow(t: TransactionTiming): Row {
  return {
    target: `run true at ${t.snapshots} snapshots, minus Node's start`,
    measured: `${ms(t.transaction - t.node)} (${ms(t.transaction)} − ${ms(t.node)})`,
    baseline: `raw floor ${ms(t.floor)}`,
    ratio: t.ratio,
    goal: '≤ 4×',
    pass: t.ratio <= 4,
    cpu: t.cpu,
  };
}

/** A whole command against Node's bare start. */
function startRow(target: string, measured: number, node: number, limit: number): Row {
  const ratio = measured / node;
  return { target, measured: ms(measured), baseline: `Node's start ${ms(node)}`, ratio, goal: `≤ ${limit}×`, pass: ratio <= limit };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (loop devices, btrfs)');
  process.stdout.write('Building the benchmark system (about 100,000 files)…\n');
  const sys = await createBenchSystem();
  codeCacheDir = join(sys.top, '..', 'code-cache');
  mkdirSync(codeCacheDir, { mode: 0o700 });
  const config = `tu-bench-${process.pid}`;
  const configFile = join('/etc/snapper/configs', config);
  mkdirSync('/etc/snapper/configs', { recursive: true });
  writeFileSync(configFile, `SUBVOLUME="${sys.root}"\nFSTYPE="btrfs"\n`);
  const rows: Row[] = [];
  const notes: string[] = [];
  const profiles: string[] = [];
  const floor = rawFloor(sys);
  try {
    const p1 = sys.store.paths(1).snapshot;
    const pSmall = sys.store.paths(sys.changed.small).snapshot;
    const pLarge = sys.store.paths(sys.changed.large).snapshot;
    const large = String(sys.changed.large);
    const small = String(sys.changed.small);
    let largeCount = 0;
    let smallCount = 0;

    process.stdout.write('Large change set…\n');
    const stream = await timeAlternating({
      send: () => sendToNull(pLarge, p1),
      ours: async () => { largeCount = (await computeFileChanges(p1, pLarge, { mountPrefix: '/' })).length; },
    });
    rows.push({
      target: `large (${largeCount.toLocaleString('en')} paths): file changes from the stream`, measured: ms(stream.ours),
      baseline: `raw btrfs send ${ms(stream.send)}`, ratio: stream.ours / stream.send, goal: '≤ 1.20×', pass: stream.ours <= 1.2 * stream.send,
    });

    // snapper answers a pair it has compared before from its file list, filelist-1.txt.gz.
    await snapperStatus(sys, config, 1, sys.changed.large, false);
    if (!filelists(sys, 1, sys.changed.large).some((f) => readdirSync(join(f, '..')).includes(f.split('/').at(-1)!))) {
      throw new Error('snapper kept no file list of the comparison: its cached status cannot be measured');
    }
    const recorded = await timeAlternating({
      snapper: () => snapperStatus(sys, config, 1, sys.changed.large, true),
      diff: () => cli(['--root', sys.root, 'diff', '1', large]),
    });
    // snapper's first status of the pair compares the trees and keeps filelist-1.txt.gz; our
    // first diff renders the manifest and keeps N/diff-1.txt (diffTextCache.ts). Both rows
    // above compare the answers after that; this one shows the first diff, for reference.
    const keptText = join(sys.store.paths(sys.changed.large).dir, 'diff-1.txt');
    const firstDiff = await timeAlternating({
      snapper: () => snapperStatus(sys, config, 1, sys.changed.large, true),
      diff: () => { rmSync(keptText, { force: true }); return cli(['--root', sys.root, 'diff', '1', large]); },
    });
    rows.push({
      target: 'large: whole diff reading the recorded manifest', measured: ms(recorded.diff),
      baseline: `snapper status, cached ${ms(recorded.snapper)}`, ratio: recorded.diff / recorded.snapper, goal: '≤ 1.5×',
      pass: recorded.diff <= 1.5 * recorded.snapper,
      cpu: cpuRatio(
        await cpuMs(process.execPath, [CLI, '--root', sys.root, 'diff', '1', large]),
        await cpuMs('snapper', ['--no-dbus', '-c', config, 'status', `1..${large}`]),
      ),
    });
    rows.push({
      target: 'large: first diff, its text not kept yet', measured: ms(firstDiff.diff),
      baseline: `snapper status, cached ${ms(firstDiff.snapper)}`, ratio: firstDiff.diff / firstDiff.snapper, goal: 'report', pass: undefined,
    });

    process.stdout.write('Small change set…\n');
    const smallDiff = await timeAlternating({ node: nodeStart, diff: () => cli(['--root', sys.root, 'diff', '1', small]) }, 2 * RUNS);
    // The count of paths the small diff reports, for the row's name.
    smallCount = (await computeFileChanges(p1, pSmall, { mountPrefix: '/' })).length;
    const nodeCpu = await cpuMs(process.execPath, ['-e', '0']);
    rows.push({
      ...startRow(`small (${smallCount} paths): whole diff`, smallDiff.diff, smallDiff.node, 1.3),
      cpu: cpuRatio(await cpuMs(process.execPath, [CLI, '--root', sys.root, 'diff', '1', small]), nodeCpu),
    });

    process.stdout.write('Transactions at 10 snapshots…\n');
    addListingSnapshots(sys, snapshotCount(sys) + 1, 11);
    const at10 = await timeTransaction(sys, floor);
    rows.push(transactionRow(at10));
    const processes = await subprocesses(['--root', sys.root, 'run', 'true']);

    process.stdout.write('list and transactions at 1,000 snapshots…\n');
    addListingSnapshots(sys, 100, 100 + 1000 - snapshotCount(sys));
    // The 1,000 snapshots' files just written are committed now, not in the first measurements.
    await execa('btrfs', ['filesystem', 'sync', sys.root]);
    const list = await timeAlternating({ node: nodeStart, list: () => cli(['--root', sys.root, 'list']) }, 2 * RUNS);
    rows.push({
      ...startRow(`list with ${snapshotCount(sys).toLocaleString('en')} snapshots`, list.list, list.node, 1.5),
      cpu: cpuRatio(await cpuMs(process.execPath, [CLI, '--root', sys.root, 'list']), nodeCpu),
    });
    const at1000 = await timeTransaction(sys, floor);
    rows.push(transactionRow(at1000));
    // Each against the floor measured beside it: the two phases run minutes apart, and the
    // machine (and the file system's state, which the floor pays for too) drifts between them.
    const scaling = at1000.ratio / at10.ratio;
    rows.push({
      target: `run true against its floor: ${at1000.snapshots} against ${at10.snapshots} snapshots`,
      measured: `${at1000.ratio.toFixed(2)}× its floor`, baseline: `${at10.ratio.toFixed(2)}× its floor`, ratio: scaling, goal: '≤ 1.1×', pass: scaling <= 1.1,
    });
    rows.push({
      target: `run true minus Node's start: ${at1000.snapshots} against ${at10.snapshots} snapshots`,
      measured: ms(at1000.transaction - at1000.node), baseline: ms(at10.transaction - at10.node),
      ratio: (at1000.transaction - at1000.node) / (at10.transaction - at10.node), goal: 'report', pass: undefined,
    });
    rows.push({
      target: 'run true: processes it starts (strace -f)', measured: String(processes), baseline: 'raw floor 4', ratio: processes / 4, goal: 'report', pass: undefined,
    });

    // The profiles of the rows that fail, printed after the table.
    const env = { TU_CODE_CACHE_DIR: codeCacheDir };
    const listRow = rows.find((r) => r.target.startsWith('list with'));
    if (listRow?.pass === false) {
      // The transactions above changed the store: one list brings the index up to date first.
      await cli(['--root', sys.root, 'list']);
      profiles.push(`list with ${snapshotCount(sys).toLocaleString('en')} snapshots`,
        ...await cpuProfile([CLI, '--root', sys.root, 'list'], env),
        ...await traceCommand(process.execPath, [CLI, '--root', sys.root, 'list'], env));
    }
    if (rows.some((r) => r.target.startsWith('run true at') && r.pass === false)) {
      profiles.push(`run true at ${snapshotCount(sys).toLocaleString('en')} snapshots`,
        ...await traceCommand(process.execPath, [CLI, '--root', sys.root, 'run', 'true'], env),
        ...await cpuProfile([CLI, '--root', sys.root, 'run', 'true'], env),
        'the raw floor, for comparison:');
      await floor.wrapped(async (target) => {
        profiles.push(...await traceCommand('sh', ['-c', floorScript(), 'floor', sys.store.paths(1).snapshot, target], {}));
      });
    }

    process.stdout.write('For reference…\n');
    const recompute = await timeAlternating({
      snapper: () => snapperStatus(sys, config, 1, sys.changed.large, false),
      diff: () => cli(['--root', sys.root, 'diff', '--recompute', '1', large]),
    }, 3);
    rows.push({
      target: 'large: diff --recompute (from the streams)', measured: ms(recompute.diff), baseline: `snapper status, uncached ${ms(recompute.snapper)}`,
      ratio: recompute.diff / recompute.snapper, goal: 'report', pass: undefined,
    });
    const walk = await timeAlternating({
      rsync: () => execa('rsync', ['-ain', '--delete', `${p1}/`, `${pSmall}/`], { stdout: 'ignore' }),
      ours: () => computeFileChanges(p1, pSmall, { mountPrefix: '/' }),
    }, 3);
    rows.push({
      target: `small (${smallCount} paths): file changes against a tree walk`, measured: ms(walk.ours), baseline: `rsync -ain ${ms(walk.rsync)}`,
      ratio: walk.ours / walk.rsync, goal: 'report', pass: undefined,
    });
    const rssLarge = await peakRssKiB(['--root', sys.root, 'diff', '--json', '--recompute', '1', large]);
    const rssSmall = await peakRssKiB(['--root', sys.root, 'diff', '--json', '--recompute', '1', small]);
    rows.push({
      target: 'peak memory of diff --recompute: large against small', measured: `${(rssLarge / 1024).toFixed(0)} MiB`,
      baseline: `${(rssSmall / 1024).toFixed(0)} MiB`, ratio: rssLarge / rssSmall, goal: 'report', pass: undefined,
    });
    notes.push('cpu ratio: the same ratio from CPU time (perf task-clock of the process tree, median of 5), for reference');
    notes.push(`load average at the end: ${(await execa('cat', ['/proc/loadavg'])).stdout.split(' ').slice(0, 3).join(' ')} (${RUNS} alternations per pair, medians)`);
  } finally {
    printTable(rows, notes);
    if (profiles.length > 0) process.stdout.write(`\nWhere the time goes, for the rows that fail:\n${profiles.join('\n')}\n`);
    rmSync(configFile, { force: true });
    await floor.destroy().catch(() => undefined);
    await sys.destroy().catch((error: unknown) => process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`));
  }
  if (rows.some((r) => r.pass === false)) process.exitCode = 1;
}

function printTable(rows: Row[], notes: string[]): void {
  const header = ['target', 'measured', 'baseline', 'ratio', 'goal', 'result', 'cpu ratio'];
  const cells = rows.map((r) => [
    r.target, r.measured, r.baseline, r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`, r.goal, r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL',
    r.cpu === undefined ? '' : `${r.cpu.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`);
  for (const note of notes) process.stdout.write(`${note}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
