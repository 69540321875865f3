/** image create --bootable through the real CLI: a GPT disk whose loops all go on umount. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../../support/requirements.js';
import { cliOk } from '../../support/system.js';
import { makeTestDir } from '../../support/tmp.js';

const skip = requireRootAndLoop(['sfdisk', 'mkfs.vfat', 'mcopy', 'grub-mkimage']);

async function loopsOf(file: string): Promise<string[]> {
  const { stdout } = await execa('losetup', ['--associated', file, '--noheadings', '--output', 'NAME']);
  return stdout.split('\n').filter(Boolean);
}

describe.skipIf(skip)('bootable images', () => {
  it('makes an ESP and a Btrfs system with a kernel, and image umount detaches every partition', async () => {
    const dir = await makeTestDir('bootable');
    const image = join(dir, 'disk.img');
    const root = join(dir, 'root');
    await cliOk(['image', 'create', image, '--size', '4G', '--bootable']);
    const { stdout } = await execa('sfdisk', ['--json', image]);
    const types = (JSON.parse(stdout) as { partitiontable: { partitions: Array<{ type: string }> } }).partitiontable.partitions.map((p) => p.type);
    expect(types).toEqual(['C12A7328-F81F-11D2-BA4B-00A0C93EC93B', '0FC63DAF-8483-4772-8E79-3D69D8477DE4']);
    await cliOk(['image', 'mount', image, root]);
    try {
      expect((await loopsOf(image)).length).toBe(2);
      expect(existsSync(join(root, 'vmlinuz')) || existsSync(join(root, 'boot/vmlinuz'))).toBe(true);
      const menu = await cliOk(['--root', root, 'grub.cfg']);
      expect(menu.stderr).not.toMatch(/error/i);
    } finally {
      await cliOk(['image', 'umount', root]);
    }
    expect(await loopsOf(image)).toEqual([]);
    await execa('rm', ['-rf', dir]);
  });
});
