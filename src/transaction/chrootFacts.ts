/** Gathers the facts the chroot's mount plan is decided from. */
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parseFstab } from '../image/layout.js';
import { currentMountPoints } from '../util/mountinfo.js';
import type { ChrootFacts } from '../chroot/plan.js';

export function sharedMountsOf(systemRoot: string, snapshotRoot: string, mountPoints: Set<string>): ChrootFacts['sharedMounts'] {
  const fstabPath = join(snapshotRoot, 'etc/fstab');
  if (!existsSync(fstabPath)) return [];
  return parseFstab(readFileSync(fstabPath, 'utf8'))
    .filter((e) => e.target.startsWith('/') && e.target !== '/' && e.target !== '/.snapshots' && e.fstype !== 'swap')
    .filter((e) => e.target !== '/boot/efi')
    .map((e) => ({ source: join(systemRoot, e.target), inside: e.target }))
    .filter((m) => mountPoints.has(m.source) && existsSync(join(snapshotRoot, m.inside)));
}

/** resolv.conf: bind the host's over a regular file; a symlink into /run gets a copy there. */
export function resolvFacts(snapshotRoot: string, hostResolv = '/etc/resolv.conf'): ChrootFacts['resolv'] {
  if (!existsSync(hostResolv)) return { kind: 'none' };
  const target = join(snapshotRoot, 'etc/resolv.conf');
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return { kind: 'none' };
  }
  if (stat.isFile()) return { kind: 'bind', source: hostResolv };
  if (stat.isSymbolicLink()) {
    const link = readlinkSync(target);
    const resolved = posix.resolve('/etc', link);
    if (resolved.startsWith('/run/')) return { kind: 'copy-into-run', source: hostResolv, inside: resolved };
  }
  return { kind: 'none' };
}

export function gatherChrootFacts(options: {
  systemRoot: string;
  snapshotRoot: string;
  binds: ChrootFacts['binds'];
  /** The resolv.conf to offer inside (a copy of the host's: writes must not reach the host). */
  resolvSource?: string;
}): ChrootFacts {
  const inherited = currentMountPoints();
  const mountPoints = new Set(inherited);
  const bootEfi = join(options.systemRoot, 'boot/efi');
  return {
    snapshotRoot: options.snapshotRoot,
    sharedMounts: sharedMountsOf(options.systemRoot, options.snapshotRoot, mountPoints),
    ...(mountPoints.has(bootEfi) && existsSync(join(options.snapshotRoot, 'boot/efi')) ? { bootEfi } : {}),
    binds: options.binds,
    resolv: options.resolvSource ? resolvFacts(options.snapshotRoot, options.resolvSource) : { kind: 'none' },
    inherited,
  };
}
