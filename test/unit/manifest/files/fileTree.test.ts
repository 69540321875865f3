import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseSendStream, type SendCommand } from '../../../../src/btrfs/sendStream/index.js';
import { StreamReplay, type SimNode } from '../../../../src/manifest/files/fileTree.js';
import { streamBytes } from '../../btrfs/sendStream/fixtures.js';

async function replay(name: string) {
  const r = new StreamReplay();
  for await (const c of parseSendStream(Readable.from([streamBytes(name)]))) r.apply(c);
  return r.finish();
}

function child(node: SimNode, name: string): SimNode | undefined {
  return node.children?.get(Buffer.from(name).toString('latin1'));
}

describe('StreamReplay on the recorded scenario stream', () => {
  it('leaves nothing under a temporary o<ino>-<gen>-0 name', async () => {
    const { root } = await replay('scenario-v1-nodata.bin');
    expect([...root.children!.keys()].filter((n) => /^o\d+-\d+-\d+$/.test(n))).toEqual([]);
  });

  it('moves the renamed directory with its identity from A', async () => {
    const { root } = await replay('scenario-v1-nodata.bin');
    const moved = child(root, 'renamed-dir')!;
    expect(moved.inode.origin).toBe('dir');
    expect(moved.aPath).toBe('dir');
    expect(child(root, 'dir')).toBeUndefined();
    expect(child(child(moved, 'sub')!, 'b')!.inode).toMatchObject({ origin: 'dir/sub/b', content: true, ranges: [0, 10] });
  });

  it('marks what the stream nominates on the inodes of A', async () => {
    const { root } = await replay('scenario-v1-nodata.bin');
    expect(child(root, 'perm')!.inode.mode).toBe(0o600);
    expect(child(root, 'owner')!.inode.owner).toEqual({ uid: 1234, gid: 0 });
    expect([...(child(root, 'xattr')!.inode.xattrNames ?? [])]).toEqual(['user.k']);
    expect([...(child(root, 'acl-dir')!.inode.xattrNames ?? [])]).toEqual(['system.posix_acl_default']);
    expect(child(root, 'big')!.inode.ranges).toEqual([196608, 4096]);
    expect(child(root, 'touched')).toBeUndefined(); // utimes only: never even looked up
  });

  it('creates new inodes for new entries and keeps the A entries it removed', async () => {
    const { root, materialized } = await replay('scenario-v1-nodata.bin');
    expect(child(root, 'created')!.inode).toMatchObject({ origin: null, type: 'file' });
    expect(child(root, 'file-to-dir')!.inode).toMatchObject({ origin: null, type: 'directory' });
    expect(child(root, 'symlink')!.inode).toMatchObject({ origin: null, type: 'symlink', symlinkTarget: 'target-two' });
    const gone = materialized.filter((n) => !n.attached).map((n) => n.aPath).sort();
    expect(gone).toEqual(['deleted', 'dir-to-file', 'dir-to-file/inner', 'file-to-dir', 'new\nline', 'renamer', 'replaced-by-rename', 'swap-a', 'symlink']);
  });

  it('a link keeps the inode: the renamed newline name still comes from A', async () => {
    const { root } = await replay('scenario-v1-nodata.bin');
    expect(child(root, 'renamed\nname')!.inode.origin).toBe('new\nline');
    expect(child(root, 'swap-a')!.inode.origin).toBe('swap-b');
    expect(child(root, 'swap-b')!.inode.origin).toBe('swap-a');
  });

  it('v1 and v2 streams replay to the same tree', async () => {
    const shape = (n: SimNode): unknown => ({
      origin: n.inode.origin, type: n.inode.type, content: n.inode.content,
      children: n.children ? [...n.children].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, c]) => [k, shape(c)]) : null,
    });
    expect(shape((await replay('scenario-v2-nodata.bin')).root)).toEqual(shape((await replay('scenario-v1-nodata.bin')).root));
  });

  it('refuses a stream that names a path it never made', async () => {
    const r = new StreamReplay();
    const commands: SendCommand[] = [];
    for await (const c of parseSendStream(Readable.from([streamBytes('scenario-v1-nodata.bin')]))) commands.push(c);
    r.apply(commands.find((c) => c.name === 'SUBVOL' || c.name === 'SNAPSHOT')!);
    // After the full-stream marker nothing of A exists.
    r.apply({ ...commands[0]!, type: 1, name: 'SUBVOL' });
    expect(() => r.apply(commands[1]!)).toThrow(/names a path that does not exist: "dir"/);
  });
});
