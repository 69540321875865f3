import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFindNew, parseSubvolumeShow } from '../../../src/btrfs/btrfs.js';
import { parseFilesystemUsage, parseGetDefault } from '../../support/btrfsProgs.js';
import { judgeSpace } from '../../../src/transaction/preflight.js';

const fixture = (name: string) => readFileSync(`fixtures/btrfs/${name}`, 'utf8');

describe('btrfs output parsers (recorded output of btrfs-progs 6.2)', () => {
  it('get-default names the snapshot that boots next', () => {
    expect(parseGetDefault(fixture('get-default.txt'))).toEqual({ id: 278, path: '@/.snapshots/4/snapshot' });
    expect(parseGetDefault('ID 5 (FS_TREE)')).toEqual({ id: 5, path: '' });
  });

  it('subvolume show says read-only', () => {
    const info = parseSubvolumeShow(fixture('subvolume-show-ro.txt'));
    expect(info.path).toBe('@/.snapshots/2/snapshot');
    expect(info.readOnly).toBe(true);
    expect(info.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('filesystem usage gives data and metadata room, and the space verdict names what is missing', () => {
    const space = parseFilesystemUsage(fixture('filesystem-usage-b.txt'));
    expect(space.unallocated).toBeGreaterThan(0);
    expect(space.dataFree).toBeGreaterThan(space.unallocated);
    expect(space.metadataFree).toBeGreaterThan(space.unallocated);
    expect(judgeSpace(space).ok).toBe(true);
    const tight = judgeSpace({ unallocated: 0, dataFree: 100 * 1024 ** 2, metadataFree: 10 * 1024 ** 2 });
    expect(tight).toEqual({ ok: false, missingData: 412 * 1024 ** 2, missingMetadata: 54 * 1024 ** 2 });
  });

  it('find-new lists written files once each, names with spaces kept', () => {
    expect(parseFindNew(fixture('find-new.txt'))).toEqual(['tu-find-new', 'dir with space/file']);
  });
});
