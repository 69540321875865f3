/** Small readers of a managed test system's state, straight from disk (no CLI involved). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export function snapshotDir(root: string, n: number): string {
  return join(root, '.snapshots', String(n));
}

export function snapshotNumbers(root: string): number[] {
  return readdirSync(join(root, '.snapshots')).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

export async function defaultNumber(root: string): Promise<number | undefined> {
  const { stdout } = await execa('btrfs', ['subvolume', 'get-default', root]);
  const m = /\.snapshots\/(\d+)\/snapshot$/.exec(stdout.trim());
  return m ? Number(m[1]) : undefined;
}

export async function isReadOnly(path: string): Promise<boolean> {
  const { stdout } = await execa('btrfs', ['property', 'get', '-ts', path, 'ro']);
  return stdout.trim() === 'ro=true';
}

/** Installed packages (name → version) from a snapshot's dpkg status in /usr/lib/sysimage. */
export function dpkgInstalled(snapshotRoot: string): Map<string, string> {
  const status = readFileSync(join(snapshotRoot, 'usr/lib/sysimage/dpkg/status'), 'utf8');
  const installed = new Map<string, string>();
  for (const stanza of status.split(/\n\n+/)) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1];
    if (field('Status') === 'install ok installed') installed.set(field('Package')!, field('Version')!);
  }
  return installed;
}

export async function mountsBelow(dir: string): Promise<string[]> {
  const { stdout } = await execa('findmnt', ['-rn', '-o', 'TARGET']);
  return stdout.split('\n').filter((t) => t.startsWith(`${dir}/`) || t === dir);
}

export function exists(path: string): boolean {
  return existsSync(path);
}
