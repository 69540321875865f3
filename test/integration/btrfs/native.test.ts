/**
 * The tool's addon (src/util/addon.ts) on a real Btrfs loop image, each answer checked
 * against what btrfs-progs says of the same file system.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as btrfs from '../../../src/btrfs/btrfs.js';
import { isDiskFull } from '../../../src/util/diskFull.js';
import { run } from '../../../src/util/exec.js';
import { parseFilesystemUsage, parseGetDefault } from '../../support/btrfsProgs.js';
import { createLoopBtrfs, type LoopBtrfs } from '../../support/loopBtrfs.js';
import { requireMachine } from '../../support/requirements.js';

const skip = requireMachine({ root: true, loop: true, btrfs: true, commands: ['mkfs.btrfs', 'losetup', 'btrfs'] }, 'btrfs addon integration test');

async function progs(...args: string[]): Promise<string> {
  return (await run('btrfs', args)).stdout;
}

describe.skipIf(skip)('the btrfs addon against btrfs-progs', () => {
  let fs: LoopBtrfs;
  let top: string;

  beforeAll(async () => {
    fs = await createLoopBtrfs(512);
    top = fs.mountPoint;
  });

  afterAll(async () => {
    await fs?.destroy();
  });

  it('creates, snapshots (writable and read-only) and deletes subvolumes as btrfs lists them', async () => {
    await btrfs.createSubvolume(join(top, '@'));
    mkdirSync(join(top, '@', 'dir with space'));
    writeFileSync(join(top, '@', 'dir with space', 'f'), 'x\n');
    await btrfs.createSubvolume(join(top, '@', 'snaps'));
    await btrfs.snapshotSubvolume(join(top, '@'), join(top, '@', 'snaps', 'rw'), { readOnly: false });
    await btrfs.snapshotSubvolume(join(top, '@'), join(top, '@', 'snaps', 'ro\nnewline'), { readOnly: true });
    const list = await progs('subvolume', 'list', '-o', join(top, '@', 'snaps'));
    expect(list).toContain('path @/snaps/rw');
    expect(list).toContain('path @/snaps/ro\nnewline');
    expect(await progs('property', 'get', '-ts', join(top, '@', 'snaps', 'ro\nnewline'), 'ro')).toBe('ro=true');
    expect(await progs('property', 'get', '-ts', join(top, '@', 'snaps', 'rw'), 'ro')).toBe('ro=false');
    await btrfs.deleteSubvolume(join(top, '@', 'snaps', 'ro\nnewline'));
    expect(await progs('subvolume', 'list', '-o', join(top, '@', 'snaps'))).not.toContain('newline');
  });

  it('sets the read-only flag', async () => {
    const path = join(top, '@', 'snaps', 'rw');
    expect(await progs('property', 'get', '-ts', path, 'ro')).toBe('ro=false');
    await btrfs.setReadOnly(path, true);
    expect(await progs('property', 'get', '-ts', path, 'ro')).toBe('ro=true');
    await btrfs.setReadOnly(path, false);
    expect(await progs('property', 'get', '-ts', path, 'ro')).toBe('ro=false');
  });

  it('sets and reads the default subvolume with its path below the top level', async () => {
    expect(await btrfs.getDefault(top)).toEqual(parseGetDefault(await progs('subvolume', 'get-default', top)));
    expect(await btrfs.getDefault(top)).toEqual({ id: 5, path: '' });
    const nested = join(top, '@', 'snaps', 'rw');
    await btrfs.setDefault(nested);
    const fromProgs = parseGetDefault(await progs('subvolume', 'get-default', top));
    expect(fromProgs.path).toBe('@/snaps/rw');
    // Asked from inside any subvolume of the file system, the same answer.
    expect(await btrfs.getDefault(join(top, '@', 'dir with space'))).toEqual(fromProgs);
    await progs('subvolume', 'set-default', '5', top);
    expect(await btrfs.getDefault(top)).toEqual({ id: 5, path: '' });
  });

  it('reports free space as btrfs filesystem usage does', async () => {
    const ours = await btrfs.freeSpace(top);
    const theirs = parseFilesystemUsage(await progs('filesystem', 'usage', '-b', top));
    expect(ours.unallocated).toBe(theirs.unallocated);
    expect(ours.dataFree).toBe(theirs.dataFree);
    // Metadata use moves with every commit; within a few nodes of each other.
    expect(Math.abs(ours.metadataFree - theirs.metadataFree)).toBeLessThan(1024 * 1024);
  });

  it('tells whether a subvolume changed since a generation, before the change is committed too', async () => {
    await btrfs.createSubvolume(join(top, 'quiet'));
    await btrfs.createSubvolume(join(top, 'busy'));
    writeFileSync(join(top, 'quiet', 'old'), 'data\n');
    await progs('filesystem', 'sync', top);
    const mark = Number(/transid marker was (\d+)/.exec(await progs('subvolume', 'find-new', join(top, 'busy'), '9999999999'))?.[1]);
    expect(mark).toBeGreaterThan(0);
    expect(btrfs.changedSince(join(top, 'busy'), mark)).toBe(false);
    expect(btrfs.changedSince(join(top, 'quiet'), mark)).toBe(false);
    // Written, not committed (btrfs commits every 30 s): seen, as find-new sees it.
    writeFileSync(join(top, 'busy', 'written'), 'data\n');
    expect(btrfs.changedSince(join(top, 'busy'), mark)).toBe(true);
    expect(await btrfs.filesWrittenSince(join(top, 'busy'), mark)).toEqual(['written']);
    expect(btrfs.changedSince(join(top, 'quiet'), mark)).toBe(false);
    expect(await btrfs.filesWrittenSince(join(top, 'quiet'), mark)).toEqual([]);
  });

  it('fails in one line that names the path, keeping the system error as its cause', async () => {
    const target = join(top, '@', 'snaps', 'rw');
    const error = await btrfs.snapshotSubvolume(join(top, '@'), target, { readOnly: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`btrfs: cannot snapshot to ${target}: File exists`);
    expect(((error as Error).cause as { code?: string }).code).toBe('EEXIST');
    expect(isDiskFull(error)).toBe(false);
    await expect(btrfs.setReadOnly(join(top, 'missing'), true)).rejects.toThrow(`btrfs: cannot read the flags of ${join(top, 'missing')}: No such file or directory`);
  });
});
