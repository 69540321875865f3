/**
 * Loop devices for image files. Partitions are attached as loop devices of their own at their
 * offsets: on this kind of machine `losetup --partscan` makes no partition nodes (no udev,
 * no partition scan on loop), and per-partition loops work everywhere.
 */
import { run } from '../util/exec.js';

export async function attachLoop(file: string, range?: { offset: number; size: number }): Promise<string> {
  const extra = range ? ['--offset', String(range.offset), '--sizelimit', String(range.size)] : [];
  const { stdout } = await run('losetup', ['--find', '--show', ...extra, file]);
  return stdout.trim();
}

export async function detachLoop(device: string): Promise<void> {
  await run('losetup', ['--detach', device], { reject: false });
}

export interface PartitionRange {
  offset: number;
  size: number;
  type: string;
}

/** Partitions of an image file, or [] when it holds a bare file system. */
export async function readPartitions(file: string): Promise<PartitionRange[]> {
  const { stdout, exitCode } = await run('sfdisk', ['--json', file], { reject: false });
  if (exitCode !== 0 || !stdout.trim()) return [];
  const table = JSON.parse(stdout) as {
    partitiontable: { sectorsize?: number; partitions?: Array<{ start: number; size: number; type: string }> };
  };
  const sector = table.partitiontable.sectorsize ?? 512;
  return (table.partitiontable.partitions ?? []).map((p) => ({ offset: p.start * sector, size: p.size * sector, type: p.type }));
}

/** Attach every partition of a partitioned image; returns one device per partition, in order. */
export async function attachPartitions(file: string): Promise<string[]> {
  const devices: string[] = [];
  try {
    for (const p of await readPartitions(file)) devices.push(await attachLoop(file, p));
  } catch (error) {
    for (const d of devices) await detachLoop(d);
    throw error;
  }
  return devices;
}

/** Loop devices currently backed by file (after a crash, to clean up). */
export async function loopsOf(file: string): Promise<string[]> {
  const { stdout } = await run('losetup', ['--associated', file, '--noheadings', '--output', 'NAME'], { reject: false });
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

export async function fileSystemUuid(device: string): Promise<string> {
  const { stdout } = await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', device]);
  return stdout.trim();
}
