/**
 * The Btrfs top level (subvolid 5) of a managed system, mounted for the moment the tool's GRUB
 * directory is read or written. A plain `mount` of the device would mount the default
 * snapshot instead (tried), hence subvolid=5.
 */
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch.js';
import { run } from '../util/exec.js';
import type { System } from '../snapshots/system.js';

/** The block device holding the system's root ("/dev/vda2[/@/…]" → "/dev/vda2"). */
export async function rootDevice(system: Pick<System, 'root'>): Promise<string> {
  const { stdout } = await run('findmnt', ['-n', '-o', 'SOURCE', '--target', system.root]);
  const lines = stdout.trim().split('\n');
  return lines.at(-1)!.replace(/\[.*\]$/, '').trim();
}

export async function withTopLevel<T>(system: Pick<System, 'root'>, action: (top: string) => Promise<T>): Promise<T> {
  const device = await rootDevice(system);
  // The pid in the name lets the next run sweep it after a SIGKILL (src/transaction/scratch.ts).
  const dir = scratchDir(`tu-top-${process.pid}-`);
  try {
    await run('mount', ['-t', 'btrfs', '-o', 'subvolid=5', device, dir]);
    try {
      return await action(dir);
    } finally {
      await run('umount', [dir]);
    }
  } finally {
    rmdirSync(dir);
  }
}
