import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeFileChanges } from '../../../src/manifest/files/fileChanges.js';
import { hasChanges } from '../../../src/btrfs/send.js';
import type { FileChange } from '../../../src/manifest/types.js';
import { fileChangePathBytes } from '../../../src/manifest/files/filePaths.js';
import { requireMachine } from '../../support/requirements.js';
import { createLoopBtrfs, type LoopBtrfs } from '../../support/loopBtrfs.js';
import { buildScenarioBase, mutateRandomly, mutateScenario, INVALID_NAME } from './fileChangeScenarios.js';
import { advance, fromComputed, makeSnapshotPair, truthLines, type SnapshotPair } from './fileSnapshots.js';

const skip = requireMachine(
  { root: true, loop: true, btrfs: true, commands: ['mkfs.btrfs', 'losetup', 'getfattr', 'setfattr', 'setfacl'] },
  'file-change integration test',
);

describe.skipIf(skip)('computeFileChanges on real Btrfs snapshots', () => {
  let fs: LoopBtrfs;
  let scenario: SnapshotPair;
  let changes: FileChange[];

  beforeAll(async () => {
    fs = await createLoopBtrfs(1024);
    scenario = await makeSnapshotPair(fs.mountPoint, buildScenarioBase, mutateScenario);
    changes = await computeFileChanges(scenario.base, scenario.next, { mountPrefix: '/' });
  });

  afterAll(async () => {
    await fs?.destroy();
  });

  it('agrees exactly with a full comparison of the two trees', async () => {
    expect(fromComputed(changes).sort()).toEqual(await truthLines(scenario));
  });

  it('is sorted by path bytes', () => {
    const paths = changes.map((c) => fileChangePathBytes(c));
    for (let i = 1; i < paths.length; i++) expect(Buffer.compare(paths[i - 1]!, paths[i]!)).toBe(-1);
  });

  it('reports a renamed directory as every old path deleted and every new path created with from', () => {
    const byPath = new Map(changes.map((c) => [c.path, c]));
    for (const rel of ['', '/a', '/sub', '/sub/deeper', '/sub/deeper/c']) {
      expect(byPath.get(`/dir${rel}`)?.change).toBe('deleted');
      expect(byPath.get(`/renamed-dir${rel}`)).toMatchObject({ change: 'created', from: `/dir${rel}` });
    }
    expect(byPath.get('/renamed-dir/sub/b')).toMatchObject({ change: 'created', from: '/dir/sub/b' });
  });

  it('classifies each kind of change', () => {
    const byPath = new Map(changes.map((c) => [c.path, c]));
    expect(byPath.get('/content')?.modified).toEqual({ content: true });
    expect(byPath.get('/big')?.modified).toEqual({ content: true });
    expect(byPath.get('/perm')?.modified).toEqual({ permissions: true });
    expect(byPath.get('/owner')?.modified).toEqual({ owner: true });
    expect(byPath.get('/group')?.modified).toEqual({ group: true });
    expect(byPath.get('/xattr')?.modified).toEqual({ xattrs: true });
    expect(byPath.get('/xattr-gone')?.modified).toEqual({ xattrs: true });
    expect(byPath.get('/acl')?.modified).toEqual({ acl: true });
    expect(byPath.get('/acl-dir')?.modified).toEqual({ acl: true });
    expect(byPath.get('/symlink')?.modified).toEqual({ content: true });
    expect(byPath.get('/file-to-dir')).toMatchObject({ change: 'type-changed', oldType: 'file', newType: 'directory' });
    expect(byPath.get('/dir-to-file')).toMatchObject({ change: 'type-changed', oldType: 'directory', newType: 'file' });
    expect(byPath.get('/deleted')).toMatchObject({ change: 'deleted', oldType: 'file' });
    expect(byPath.get('/created')).toMatchObject({ change: 'created', newType: 'file' });
    for (const link of ['/hard1', '/hard2', '/links/hard3']) expect(byPath.get(link)?.modified).toEqual({ content: true });
    expect(byPath.get('/hard-new')).toMatchObject({ change: 'created' });
    expect(byPath.get('/hard-new')?.from).toBeUndefined();
    expect(byPath.get('/')?.modified).toEqual({ permissions: true });
    expect(byPath.get('/chardev')).toMatchObject({ change: 'created', newType: 'char-device' });
    expect(byPath.get('/fifo')).toMatchObject({ change: 'created', newType: 'fifo' });
    expect(byPath.get('/old-dev')).toMatchObject({ change: 'modified', modified: { content: true } });
  });

  it('leaves out timestamp-only changes, identical rewrites and values set to what they were', () => {
    const paths = changes.map((c) => c.path);
    for (const p of ['/touched', '/same-content', '/xattr-same']) expect(paths).not.toContain(p);
    expect(paths.some((p) => /o\d+-\d+-\d+/.test(p))).toBe(false);
  });

  it('keeps names that are bytes: newlines raw, invalid UTF-8 as base64 with an escaped path', () => {
    const byPath = new Map(changes.map((c) => [c.path, c]));
    expect(byPath.get('/renamed\nname')).toMatchObject({ change: 'created', from: '/new\nline' });
    expect(byPath.get('/new\nline')?.change).toBe('deleted');
    expect(byPath.get('/esc\x1b[31mred')?.change).toBe('created');
    const invalid = changes.find((c) => c.pathBase64 === Buffer.concat([Buffer.from('/'), INVALID_NAME]).toString('base64'));
    expect(invalid).toMatchObject({ path: '/bad\\xff\\xfe', change: 'modified', modified: { content: true } });
  });

  it('a swap of two files and a rename over a file are content changes at the same paths', () => {
    const byPath = new Map(changes.map((c) => [c.path, c]));
    expect(byPath.get('/swap-a')?.modified).toEqual({ content: true });
    expect(byPath.get('/swap-b')?.modified).toEqual({ content: true });
    expect(byPath.get('/replaced-by-rename')?.modified).toEqual({ content: true });
    expect(byPath.get('/renamer')?.change).toBe('deleted');
  });

  it('gives the same answer from a v2 stream', async () => {
    const v2 = await computeFileChanges(scenario.base, scenario.next, { mountPrefix: '/', send: { proto: 2 } });
    expect(v2).toEqual(changes);
  });

  it('prefixes paths with the mount prefix (/etc)', async () => {
    const etc = await computeFileChanges(scenario.base, scenario.next, { mountPrefix: '/etc' });
    expect(etc.map((c) => c.path)).toEqual(changes.map((c) => (c.path === "/" ? "/etc" : `/etc${c.path}`)));
  });

  it('finds no change and hasChanges is false when only timestamps changed', async () => {
    const pair = await makeSnapshotPair(
      fs.mountPoint,
      async (root) => buildScenarioBase(root),
      async (root) => {
        const { utimesSync } = await import('node:fs');
        const later = new Date(Date.now() + 3_600_000);
        utimesSync(`${root}/content`, later, later);
        utimesSync(`${root}/dir`, later, later);
      },
    );
    expect(await computeFileChanges(pair.base, pair.next, { mountPrefix: '/' })).toEqual([]);
    expect(await hasChanges(pair.base, pair.next)).toBe(false);
    expect(await hasChanges(scenario.base, scenario.next)).toBe(true);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`agrees with the full comparison after random changes (seed ${seed}, three rounds)`, async () => {
      let pair = await makeSnapshotPair(
        fs.mountPoint,
        (root) => mutateRandomly(root, seed * 1000, 100),
        (root) => mutateRandomly(root, seed * 1000 + 1, 80),
      );
      for (let round = 0; round < 3; round++) {
        const computed = await computeFileChanges(pair.base, pair.next, { mountPrefix: '/' });
        expect(fromComputed(computed).sort(), `seed ${seed} round ${round}`).toEqual(await truthLines(pair));
        pair = await advance(fs.mountPoint, pair, (root) => mutateRandomly(root, seed * 1000 + 2 + round, 80));
      }
    });
  }
});
