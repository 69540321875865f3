/**
 * The manifest on a real Btrfs file system: two snapshots laid out as the tool lays them out
 * (root with a nested /etc subvolume, N/etc, N/etc.start), /etc changed in every way the
 * config rules care about, packages from recorded dpkg status files.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as btrfs from '../../../src/btrfs/btrfs.js';
import { buildManifest, computeManifestOnDemand } from '../../../src/manifest/build.js';
import { indexPath, listSummaries } from '../../../src/manifest/index/indexDb.js';
import { recordManifest } from '../../../src/manifest/record.js';
import { previewRollback } from '../../../src/manifest/rollbackPreview.js';
import { recordedDiff } from '../../../src/manifest/diff/recordedDiff.js';
import { DEFAULT_CONFIG_CAPS } from '../../../src/manifest/config/configPolicy.js';
import { diffSnapshots } from '../../../src/manifest/diff/snapshotDiff.js';
import { readManifest } from '../../../src/manifest/storeJson.js';
import type { Manifest } from '../../../src/manifest/types.js';
import { SnapshotStore } from '../../../src/snapshots/store.js';
import { showJson } from '../../../src/cli/render/json.js';
import { renderManifest } from '../../../src/cli/render/manifestText.js';
import { PLAIN, makePalette } from '../../../src/cli/render/palette.js';
import { diffCommand } from '../../../src/cli/commands/diff.js';
import { showCommand } from '../../../src/cli/commands/show.js';
import type { CliContext, GlobalOptions } from '../../../src/cli/context.js';
import { SnapshotNotFoundError, UsageError } from '../../../src/errors.js';
import { createLoopBtrfs, type LoopBtrfs } from '../../support/loopBtrfs.js';
import { requireMachine } from '../../support/requirements.js';

const skip = requireMachine({ root: true, loop: true, btrfs: true, commands: ['mkfs.btrfs', 'losetup', 'btrfs'] }, 'manifest on btrfs');

const STATUS_BEFORE = 'fixtures/pkg/dpkg/delta/before.status';
const STATUS_AFTER = 'fixtures/pkg/dpkg/delta/after.status';
const SECRET_BEFORE = 'token=old-secret-value';
const SECRET_AFTER = 'token=new-secret-value';

/** The context the CLI hands a command, over the test's store; printed text is collected. */
function commandContext(store: SnapshotStore, json: boolean): { ctx: CliContext; out: string[] } {
  const out: string[] = [];
  const options: GlobalOptions = {
    root: '/', json, quiet: true, verbose: false, nonInteractive: true, interactive: false, dropIfNoChange: false, keep: false,
  };
  const system = { root: '/', store, stateDir: join(store.dir, 'state'), snapshotsFsPath: '', booted: 2 };
  const ctx: CliContext = {
    options,
    argv: [],
    terminal: false,
    system: async () => system,
    print: (text) => void out.push(text),
    note: () => undefined,
  };
  return { ctx, out };
}

function put(root: string, rel: string, content: string | Buffer, mode = 0o644): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

const provenance = {
  commandLine: ['transactional-update', 'pkg', 'install', 'tu-new'],
  user: 'root',
  startedAt: '2026-11-22T04:00:00.000Z',
  endedAt: '2026-11-22T04:00:42.000Z',
  exitStatus: 0,
  baseNumber: 1,
  packageManager: 'apt',
};

/**
 * A transaction's snapshot `number` cloned from `base` as the engine makes it: the root, and
 * /etc from the running (writable) /etc of the base through N/etc.start. Returns its paths.
 */
async function beginTransaction(store: SnapshotStore, base: number, number: number, date: string, description: string) {
  const from = store.paths(base);
  const next = store.paths(number);
  mkdirSync(next.dir);
  store.writeInfo({ type: 'single', num: number, date: new Date(date), description, cleanup: 'number', userdata: { 'transactional-update': 'yes' } });
  await btrfs.snapshotSubvolume(from.snapshot, next.snapshot, { readOnly: false });
  await btrfs.snapshotSubvolume(from.snapshotEtc, next.etcStart, { readOnly: true });
  rmdirSync(next.snapshotEtc); // the placeholder a snapshot leaves for the nested subvolume
  await btrfs.snapshotSubvolume(next.etcStart, next.snapshotEtc, { readOnly: false });
  return next;
}

/** The transaction's end (step 7): N/etc kept read-only, the root made read-only. */
async function finishTransaction(paths: ReturnType<SnapshotStore['paths']>): Promise<void> {
  await btrfs.snapshotSubvolume(paths.snapshotEtc, paths.etc, { readOnly: true });
  await btrfs.setReadOnly(paths.snapshot, true);
}

/** Snapshot 1 and a transaction 2 on top of it, exactly as the engine leaves them at step 7. */
async function layOutSnapshots(store: SnapshotStore): Promise<void> {
  const one = store.paths(1);
  mkdirSync(one.dir);
  store.writeInfo({ type: 'single', num: 1, date: new Date('2026-11-21T10:00:00Z'), description: 'first root filesystem', cleanup: '', userdata: { 'transactional-update': 'yes' } });
  await btrfs.createSubvolume(one.snapshot);
  put(one.snapshot, 'usr/bin/keep', 'keep\n', 0o755);
  put(one.snapshot, 'usr/bin/old-tool', 'old\n', 0o755);
  put(one.snapshot, 'usr/lib/sysimage/dpkg/status', readFileSync(STATUS_BEFORE));
  await btrfs.createSubvolume(one.snapshotEtc);
  put(one.snapshotEtc, 'passwd', 'root:x:0:0:root:/root:/bin/bash\n');
  put(one.snapshotEtc, 'app.conf', '# app\nlevel=1\nname=box\n');
  put(one.snapshotEtc, 'secret.conf', `${SECRET_BEFORE}\n`);
  put(one.snapshotEtc, 'shadow', 'root:$y$old:19000::::::\n', 0o640);
  put(one.snapshotEtc, 'blob.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
  put(one.snapshotEtc, 'gone.conf', 'bye\n');
  put(one.snapshotEtc, 'motd', 'Welcome\n');
  await btrfs.snapshotSubvolume(one.snapshotEtc, one.etc, { readOnly: true });
  await btrfs.setReadOnly(one.snapshot, true);

  // Edited by hand on the running system (snapshot 1 booted), before the next transaction.
  put(one.snapshotEtc, 'motd', 'Welcome to the NAS\n');

  const two = await beginTransaction(store, 1, 2, '2026-11-22T04:00:00Z', 'pkg install tu-new');
  // What the transaction did.
  put(two.snapshot, 'usr/bin/tu-new', 'new\n', 0o755);
  unlinkSync(join(two.snapshot, 'usr/bin/old-tool'));
  copyFileSync(STATUS_AFTER, join(two.snapshot, 'usr/lib/sysimage/dpkg/status'));
  put(two.snapshotEtc, 'app.conf', '# app\nlevel=2\nname=box\n');
  put(two.snapshotEtc, 'secret.conf', `${SECRET_AFTER}\n`, 0o600);
  put(two.snapshotEtc, 'shadow', 'root:$y$new:19001::::::\n', 0o640);
  put(two.snapshotEtc, 'blob.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 9, 9]));
  put(two.snapshotEtc, 'new.conf', 'fresh=yes\n');
  unlinkSync(join(two.snapshotEtc, 'gone.conf'));
  await finishTransaction(two);
}

/**
 * Snapshot 3 on top of 2 (booted): hand edits on the running /etc, one of them to a file the
 * transaction then puts back as it was, so the two parts of the manifest overlap.
 */
async function layOutOverlappingTransaction(store: SnapshotStore): Promise<void> {
  const two = store.paths(2);
  put(two.snapshotEtc, 'app.conf', '# app\nlevel=3\nname=box\n');
  put(two.snapshotEtc, 'hand-made.conf', 'by=hand\n');
  const three = await beginTransaction(store, 2, 3, '2026-11-23T04:00:00Z', 'pkg install tu-x');
  put(three.snapshot, 'usr/bin/tu-x', 'x\n', 0o755);
  put(three.snapshotEtc, 'app.conf', '# app\nlevel=2\nname=box\n');
  put(three.snapshotEtc, 'tu-x.conf', 'x=1\n');
  await finishTransaction(three);
}

describe.skipIf(skip)('manifest of a transaction on real btrfs', () => {
  let fs: LoopBtrfs;
  let store: SnapshotStore;
  let manifest: Manifest;

  beforeAll(async () => {
    fs = await createLoopBtrfs(512);
    store = new SnapshotStore(fs.mountPoint);
    await layOutSnapshots(store);
    manifest = await buildManifest({
      store,
      base: 1,
      number: 2,
      provenance,
      sharedWrites: [{ path: '/var/lib/tu-new/state', change: 'created' }],
    });
    if (process.env.TU_RECORD_FIXTURES === '1') {
      writeFileSync('fixtures/manifest/recorded-manifest.json', `${JSON.stringify(manifest, null, 1)}\n`);
    }
  });
  afterAll(async () => {
    await fs?.destroy();
  });

  it('lists root and /etc changes, without the nested /etc placeholder', () => {
    const files = manifest.files.map((f) => `${f.change} ${f.path}`);
    expect(files).toEqual(
      expect.arrayContaining([
        'created /usr/bin/tu-new',
        'deleted /usr/bin/old-tool',
        'modified /usr/lib/sysimage/dpkg/status',
        'modified /etc/app.conf',
        'modified /etc/secret.conf',
        'modified /etc/shadow',
        'modified /etc/blob.bin',
        'created /etc/new.conf',
        'deleted /etc/gone.conf',
      ]),
    );
    expect(files).not.toContain('modified /etc');
    expect(manifest.files.filter((f) => f.path === '/etc/motd')).toEqual([]);
  });

  it('diffs text under /etc and never shows secrets or binary content', () => {
    const config = Object.fromEntries(manifest.config.map((c) => [c.path, c]));
    expect(config['/etc/app.conf']).toEqual({
      path: '/etc/app.conf',
      change: 'modified',
      patch: '--- a/etc/app.conf\n+++ b/etc/app.conf\n@@ -1,3 +1,3 @@\n # app\n-level=1\n+level=2\n name=box\n',
    });
    expect(config['/etc/secret.conf']).toMatchObject({ patch: null, withheld: 'not-world-readable' });
    expect(config['/etc/shadow']).toMatchObject({ patch: null, withheld: 'not-world-readable' });
    expect(config['/etc/blob.bin']).toMatchObject({ patch: null, withheld: 'binary' });
    expect(config['/etc/new.conf']?.patch).toContain('+fresh=yes');
    expect(config['/etc/gone.conf']?.patch).toContain('-bye');
    const everything = JSON.stringify(manifest);
    expect(everything).not.toContain('secret-value');
    expect(everything).not.toContain('$y$');
  });

  it('records hand edits made before the transaction apart, as outside any transaction', () => {
    expect(manifest.outside.etc.map((f) => `${f.change} ${f.path}`)).toEqual(['modified /etc/motd']);
    expect(manifest.outside.etcConfig).toEqual([
      { path: '/etc/motd', change: 'modified', patch: '--- a/etc/motd\n+++ b/etc/motd\n@@ -1,1 +1,1 @@\n-Welcome\n+Welcome to the NAS\n' },
    ]);
    expect(manifest.outside.sharedWrites).toEqual([{ path: '/var/lib/tu-new/state', change: 'created' }]);
  });

  it('reads the packages from both snapshots', () => {
    const byName = Object.fromEntries(manifest.packages.map((p) => [p.name, p.change]));
    expect(byName['tu-down']).toBe('downgraded');
    expect(byName['tu-gone']).toBe('removed');
    expect(manifest.provenance.baseNumber).toBe(1);
  });

  it('stores the manifest and indexes it; deleting the index loses nothing', () => {
    recordManifest(store, manifest);
    expect(readManifest(store, 2)).toEqual(manifest);
    const before = listSummaries(store);
    expect(before.map((s) => [s.number, s.hasManifest])).toEqual([
      [1, false],
      [2, true],
    ]);
    for (const suffix of ['', '-wal', '-shm']) rmSync(indexPath(store) + suffix, { force: true });
    expect(listSummaries(store)).toEqual(before);
  });

  it('diffs two snapshots in either direction', async () => {
    const forward = await diffSnapshots(store, 1, 2);
    const back = await diffSnapshots(store, 2, 1);
    if (process.env.TU_RECORD_FIXTURES === '1') {
      writeFileSync('fixtures/manifest/recorded-diff-2-to-1.json', `${JSON.stringify(back, null, 1)}\n`);
    }
    const show = (files: { path: string; change: string }[]) => files.map((f) => `${f.change} ${f.path}`);
    expect(show(forward.files)).toContain('created /usr/bin/tu-new');
    expect(show(back.files)).toContain('deleted /usr/bin/tu-new');
    expect(show(back.files)).toContain('created /etc/gone.conf');
    // Snapshot against snapshot: the hand edit of motd is part of the difference.
    expect(show(forward.files)).toContain('modified /etc/motd');
    expect(back.packages.find((p) => p.name === 'tu-down')?.change).toBe('upgraded');
    expect(back.config.find((c) => c.path === '/etc/secret.conf')).toMatchObject({ patch: null, withheld: 'not-world-readable' });

    const preview = previewRollback(back);
    expect(preview.packages.restored.map((p) => p.name)).toContain('tu-gone');
    expect(preview.files.restored).toBeGreaterThan(0);
    expect(preview.etc.paths).toBeGreaterThan(0);
  });

  it('answers diff A B from B\'s manifest exactly as comparing the trees would', async () => {
    // Snapshot 2 was recorded against 1, with a hand edit (motd) apart from the transaction's.
    const recorded = await recordedDiff(store, 1, 2, DEFAULT_CONFIG_CAPS);
    expect(recorded?.source).toBe('manifest');
    expect(await diffSnapshots(store, 1, 2)).toEqual(recorded);
    expect(recorded).toEqual({ ...(await diffSnapshots(store, 1, 2, { recompute: true })), source: 'manifest' });
    expect(recorded!.files.map((f) => f.path)).toContain('/etc/motd');
    // Not recorded against each other: no answer from the manifest.
    expect(await recordedDiff(store, 2, 1, DEFAULT_CONFIG_CAPS)).toBeUndefined();

    // Hand edits and the transaction touch the same file: the /etc part is compared again.
    await layOutOverlappingTransaction(store);
    const three = await buildManifest({ store, base: 2, number: 3, provenance: { ...provenance, startedAt: '2026-11-23T04:00:00.000Z', baseNumber: 2 }, sharedWrites: [] });
    expect(three.outside.etc.map((f) => f.path)).toContain('/etc/app.conf');
    expect(three.files.map((f) => f.path)).toContain('/etc/app.conf');
    recordManifest(store, three);
    const overlapping = await recordedDiff(store, 2, 3, DEFAULT_CONFIG_CAPS);
    // The same answer as comparing the trees, marked so that its text is not kept (diffTextCache.ts).
    expect(overlapping).toEqual({ ...(await diffSnapshots(store, 2, 3, { recompute: true })), source: 'manifest', etcCompared: true });
    expect(overlapping!.files.map((f) => `${f.change} ${f.path}`)).toEqual([
      'created /etc/hand-made.conf',
      'created /etc/tu-x.conf',
      'created /usr/bin/tu-x',
    ]);

    // A base younger than the transaction is not the snapshot it started from.
    writeFileSync(store.paths(3).manifest, JSON.stringify({ ...three, provenance: { ...three.provenance, startedAt: '2026-11-01T00:00:00.000Z' } }));
    expect(await recordedDiff(store, 2, 3, DEFAULT_CONFIG_CAPS)).toBeUndefined();
    // An unreadable manifest is no obstacle to diff.
    writeFileSync(store.paths(3).manifest, '{ not json');
    const fromTrees = await diffSnapshots(store, 2, 3);
    expect(fromTrees.source).toBe('snapshots');
    expect(fromTrees.files.map((f) => f.path)).toContain('/usr/bin/tu-x');
  });

  it('computes a manifest on demand for a snapshot without one', async () => {
    rmSync(store.paths(2).manifest);
    const computed = await computeManifestOnDemand(store, 2);
    expect(computed.computedOnDemand).toBe(true);
    expect(computed.base).toBe(1);
    expect(computed.outside.etc).toEqual([]);
    expect(computed.files.map((f) => f.path)).toContain('/etc/motd');
  });

  it('renders plain text when piped and colour only when asked', () => {
    const plain = renderManifest(manifest, PLAIN);
    expect(plain).not.toContain('\u001b[');
    expect(plain).toContain('-level=1');
    expect(plain).toContain('/etc/secret.conf (modified; content withheld: not world-readable)');
    expect(plain).toContain('/etc edits made on the running system before the transaction (1)');
    expect(renderManifest(manifest, makePalette(true))).toContain('\u001b[');
    const json = showJson(manifest);
    expect(json.config.find((c) => c.path === '/etc/app.conf')?.patch).toContain('+level=2');
  });

  it('show and diff commands print text or one JSON document, and refuse bad numbers', async () => {
    const text = commandContext(store, false);
    await showCommand(text.ctx, '2');
    expect(text.out.join('')).toContain('Snapshot 2 — pkg install tu-new');
    const json = commandContext(store, true);
    await showCommand(json.ctx, '2');
    expect(JSON.parse(json.out.join('')).snapshot).toBe(2);
    const diff = commandContext(store, true);
    await diffCommand(diff.ctx, '2', '1');
    const parsed = JSON.parse(diff.out.join('')) as { from: number; files: { path: string; change: string }[] };
    expect(parsed.from).toBe(2);
    expect(parsed.files).toContainEqual({ path: '/usr/bin/tu-new', change: 'deleted', oldType: 'file' });
    await expect(showCommand(text.ctx, '99')).rejects.toThrow(SnapshotNotFoundError);
    await expect(showCommand(text.ctx, '2x')).rejects.toThrow(UsageError);
    await expect(diffCommand(text.ctx, '1', '0')).rejects.toThrow(UsageError);
  });
});
