/**
 * What must hold after a fault, read straight from the system (not through the tool that was
 * just broken): the pointers, a snapshot's completeness, the tool's scratch under /run, chroot
 * processes, and whether the index agrees with the manifests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { readGrubPointer } from '../../../src/boot/pointers.js';
import { defaultSnapshot, openSystem } from '../../../src/snapshots/system.js';
import { currentMountPoints } from '../../../src/util/mountinfo.js';

export interface Pointers {
  grub: number | undefined;
  btrfs: number | undefined;
  booted: number | undefined;
}

export async function readPointers(root: string): Promise<Pointers> {
  const system = await openSystem(root);
  return { grub: await readGrubPointer(system), btrfs: await defaultSnapshot(system), booted: system.booted };
}

export function snapshotNumbers(root: string): number[] {
  return readdirSync(join(root, '.snapshots')).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

/** The number the last transaction reserved (numbers are never reused: the store's high-water mark). */
export function lastNumber(root: string): number {
  return Number(readFileSync(join(root, '.snapshots', 'transactional-update.last-number'), 'utf8').trim());
}

export async function isReadOnly(path: string): Promise<boolean> {
  const { stdout } = await execa('btrfs', ['property', 'get', '-ts', path, 'ro']);
  return stdout.trim() === 'ro=true';
}

/** A snapshot that can boot: read-only root, its /etc (nested and the read-only copy), its manifest, not in progress. */
export async function completeSnapshot(root: string, n: number): Promise<{ ok: boolean; why: string[] }> {
  const dir = join(root, '.snapshots', String(n));
  const why: string[] = [];
  if (!existsSync(join(dir, 'snapshot'))) why.push('no root');
  else if (!(await isReadOnly(join(dir, 'snapshot')))) why.push('root writable');
  if (!existsSync(join(dir, 'snapshot/etc/passwd'))) why.push('no /etc');
  if (!existsSync(join(dir, 'etc'))) why.push('no etc copy');
  if (!existsSync(join(dir, 'manifest.json'))) why.push('no manifest');
  if (readFileSync(join(dir, 'info.xml'), 'utf8').includes('transactional-update-in-progress')) why.push('in progress');
  return { ok: why.length === 0, why };
}

/** What a run with this pid left under /run: the request and package directories, the top-level mount. */
export function scratchOf(pid: number): { paths: string[]; mounted: string[] } {
  const paths: string[] = [];
  for (const dir of ['/run', '/run/transactional-update']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (new RegExp(`^tu-(requests|packages|top)-${pid}-`).test(name)) paths.push(join(dir, name));
    }
  }
  const mounts = new Set(currentMountPoints());
  return { paths, mounted: paths.filter((p) => mounts.has(p)) };
}

/** Processes whose command line or root names a snapshot of this system (the chroot's tini, unshare, the command). */
export function chrootProcesses(root: string): number[] {
  const marker = join(root, '.snapshots');
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

/** Wait until no chroot process is left (the kernel delivers the death signals a moment later). */
export async function chrootProcessesAfter(root: string, ms = 10_000): Promise<number[]> {
  const start = Date.now();
  for (;;) {
    const left = chrootProcesses(root);
    if (left.length === 0 || Date.now() - start > ms) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Mounts below the snapshot directory or under our scratch names (any run's). */
export function strayMounts(root: string): string[] {
  return currentMountPoints().filter(
    (m) => m.startsWith(`${join(root, '.snapshots')}/`) || /^\/run\/transactional-update\/tu-top-/.test(m) || /^\/run\/tu-requests-/.test(m),
  );
}

/** Loop devices backed by the image (the system's own partitions, and anything else that kept it). */
export async function loopsOf(image: string): Promise<string[]> {
  const { stdout } = await execa('losetup', ['--associated', image, '--noheadings', '--output', 'NAME']);
  return stdout.split('\n').filter(Boolean).sort();
}

/** The index (list --json) against the manifests on disk: the same snapshots, a summary row exactly where a manifest is. */
export function indexDisagreements(root: string, listJson: string): string[] {
  const listed = JSON.parse(listJson) as Array<{ number: number; summary: { hasManifest?: boolean } | null }>;
  const problems: string[] = [];
  const onDisk = snapshotNumbers(root);
  const numbers = listed.map((s) => s.number);
  if (JSON.stringify(numbers) !== JSON.stringify(onDisk)) problems.push(`listed ${numbers.join(',')} but on disk ${onDisk.join(',')}`);
  for (const s of listed) {
    const hasFile = existsSync(join(root, '.snapshots', String(s.number), 'manifest.json'));
    if ((s.summary?.hasManifest ?? false) !== hasFile) problems.push(`snapshot ${s.number}: index says manifest ${s.summary?.hasManifest}, disk ${hasFile}`);
  }
  return problems;
}

/** The boot menu (read through the top level) offers snapshot n. */
export async function menuOffers(root: string, n: number): Promise<boolean> {
  const { withTopLevel } = await import('../../../src/boot/topLevel.js');
  return withTopLevel({ root }, async (top) => {
    const menu = join(top, 'boot/grub/grub.cfg');
    return existsSync(menu) && readFileSync(menu, 'utf8').includes(`tu.snapshot=${n}`);
  });
}
