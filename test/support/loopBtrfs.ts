/**
 * A throwaway Btrfs file system in a loop image: created in a temp dir, mounted through its
 * own loop device (never by UUID), and always unmounted, detached and removed again.
 *
 *   await withLoopBtrfs(512, async (mnt) => { ... });
 *   const fs = await createLoopBtrfs(512); try { ... } finally { await fs.destroy(); }
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/util/exec.js';

export interface LoopBtrfs {
  /** Where the file system is mounted. */
  mountPoint: string;
  device: string;
  image: string;
  /** Unmount, detach, remove the image; safe to call twice. */
  destroy(): Promise<void>;
}

export async function createLoopBtrfs(sizeMiB = 512): Promise<LoopBtrfs> {
  const dir = await mkdtemp(join(process.env.TU_TEST_TMP ?? tmpdir(), 'loop-btrfs-'));
  const image = join(dir, 'btrfs.img');
  const mountPoint = join(dir, 'mnt');
  let device: string | undefined;
  let mounted = false;
  const destroy = async (): Promise<void> => {
    if (mounted) {
      const result = await run('umount', [mountPoint], { reject: false });
      if (result.exitCode !== 0) await run('umount', ['-l', mountPoint]);
      mounted = false;
    }
    if (device) {
      await run('losetup', ['-d', device], { reject: false });
      device = undefined;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run('truncate', ['-s', `${sizeMiB}M`, image]);
    await run('mkfs.btrfs', ['-q', '-f', image]);
    device = (await run('losetup', ['--find', '--show', image])).stdout.trim();
    await run('mkdir', ['-p', mountPoint]);
    await run('mount', ['-t', 'btrfs', device, mountPoint]);
    mounted = true;
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    mountPoint,
    get device() {
      return device ?? '';
    },
    image,
    destroy,
  };
}

export async function withLoopBtrfs<T>(sizeMiB: number, fn: (mountPoint: string) => Promise<T>): Promise<T> {
  const fs = await createLoopBtrfs(sizeMiB);
  try {
    return await fn(fs.mountPoint);
  } finally {
    await fs.destroy();
  }
}
