/**
 * The kernel of a snapshot: the newest /boot/vmlinuz-<version> that has a matching
 * /boot/initrd.img-<version> (Debian's names), compared as Debian versions.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { verrevcmp } from '../pkg/version/deb.js';

export interface SnapshotKernel {
  version: string;
  /** Paths relative to the snapshot root. */
  kernel: string;
  initrd: string;
}

export function findKernel(snapshotRoot: string): SnapshotKernel | undefined {
  const boot = join(snapshotRoot, 'boot');
  if (!existsSync(boot)) return undefined;
  const names = new Set(readdirSync(boot));
  const versions = [...names]
    .filter((n) => n.startsWith('vmlinuz-') && names.has(`initrd.img-${n.slice(8)}`))
    .map((n) => n.slice(8))
    .sort(verrevcmp);
  const version = versions.at(-1);
  return version === undefined ? undefined : { version, kernel: `boot/vmlinuz-${version}`, initrd: `boot/initrd.img-${version}` };
}
