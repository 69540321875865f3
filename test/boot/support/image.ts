/**
 * The boot test's image seen from the host between boots: partitions on loop devices, the
 * default snapshot mounted as the system root with /.snapshots and /var, as `image mount`
 * does (without the ESP: this kernel has no vfat; the tool reaches the ESP with mtools).
 */
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { attachPartitions, detachLoop } from '../../../src/image/loop.js';
import { openSystem, type System } from '../../../src/snapshots/system.js';
import { run } from '../../../src/util/exec.js';

export interface OpenImage {
  system: System;
  top: string;
  close(): Promise<void>;
}

export async function openImage(file: string, workDir: string): Promise<OpenImage> {
  const devices = await attachPartitions(file);
  const btrfsDevice = devices[1]!;
  const base = mkdtempSync(join(workDir, 'mnt-'));
  const top = join(base, 'top');
  const root = join(base, 'root');
  const mounted: string[] = [];
  const mount = async (args: string[], target: string) => {
    mkdirSync(target, { recursive: true });
    await run('mount', [...args, target]);
    mounted.unshift(target);
  };
  const close = async () => {
    for (const target of mounted) await run('umount', [target], { reject: false });
    for (const d of devices) await detachLoop(d);
    for (const dir of [top, root, base]) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty or already gone: leave it for a look
      }
    }
  };
  try {
    await mount(['-o', 'subvolid=5', btrfsDevice], top);
    await mount([btrfsDevice], root); // the Btrfs default: the next boot
    await mount(['-o', 'subvol=/@/.snapshots', btrfsDevice], join(root, '.snapshots'));
    await mount(['-o', 'subvol=/@/var', btrfsDevice], join(root, 'var'));
    return { system: await openSystem(root), top, close };
  } catch (error) {
    await close();
    throw error;
  }
}
