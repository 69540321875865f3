/**
 * The mount plan of a transaction's chroot, decided from gathered facts (pure). tu-enter
 * (native/enter.c) carries out its words (planArguments) inside the new namespaces.
 */
import { join } from 'node:path';

export type MountOp =
  | { op: 'proc' | 'sysfs' | 'mkdir' | 'detach'; path: string }
  | { op: 'tmpfs'; path: string; mode: TmpfsMode }
  | { op: 'rbind' | 'bind' | 'copy'; source: string; target: string };

/** Octal mode of a tmpfs root: world-writable and sticky, or root's alone. */
export type TmpfsMode = '1777' | '0755';

export interface ChrootFacts {
  /** The new snapshot's root on the host. */
  snapshotRoot: string;
  /** Host mount points of the shared subvolumes, by their path inside the system ("/var"). */
  sharedMounts: Array<{ source: string; inside: string }>;
  /** Host path of the system's mounted ESP, when present. */
  bootEfi?: string;
  /** Host files or directories to bind inside (requests dir, local package files, stubs). */
  binds: Array<{ source: string; inside: string; underRun: boolean }>;
  /** How resolv.conf reaches the chroot. */
  resolv: { kind: 'bind'; source: string } | { kind: 'copy-into-run'; source: string; inside: string } | { kind: 'none' };
  /** Mount points that exist on the host right now (inherited by the new namespace). */
  inherited: string[];
}

function inside(root: string, path: string): string {
  return join(root, path);
}

export function isKeptInheritedMount(mountPoint: string, snapshotRoot: string): boolean {
  if (mountPoint === '/') return true;
  for (const base of ['/proc', '/sys', '/dev']) {
    if (mountPoint === base || mountPoint.startsWith(`${base}/`)) return true;
  }
  // Ancestors of the snapshot (the path to it) and anything inside it stay.
  if (snapshotRoot === mountPoint || snapshotRoot.startsWith(`${mountPoint}/`)) return true;
  return mountPoint.startsWith(`${snapshotRoot}/`);
}

export function planMounts(facts: ChrootFacts): MountOp[] {
  const root = facts.snapshotRoot;
  const ops: MountOp[] = [
    { op: 'proc', path: inside(root, '/proc') },
    // A fresh sysfs has no securityfs below it: package scripts cannot load AppArmor profiles
    // into the live kernel.
    { op: 'sysfs', path: inside(root, '/sys') },
    { op: 'rbind', source: '/dev', target: inside(root, '/dev') },
    // What a Debian system has: /run root's, /run/lock and /tmp for everyone (sticky).
    // apt downloads and verifies signatures as its unprivileged _apt user, which must be
    // able to make temporary files in /tmp.
    { op: 'tmpfs', path: inside(root, '/run'), mode: '0755' },
    { op: 'mkdir', path: inside(root, '/run/lock') },
    { op: 'tmpfs', path: inside(root, '/run/lock'), mode: '1777' },
    { op: 'tmpfs', path: inside(root, '/tmp'), mode: '1777' },
  ];
  // Recursively: a disk the system mounts below a shared subvolume (/srv/data, /var/lib/x) is
  // part of what the chroot must see, as on the running system (an apt repository on it).
  for (const m of facts.sharedMounts) ops.push({ op: 'rbind', source: m.source, target: inside(root, m.inside) });
  if (facts.bootEfi) ops.push({ op: 'bind', source: facts.bootEfi, target: inside(root, '/boot/efi') });
  for (const b of facts.binds) {
    if (b.underRun) ops.push({ op: 'mkdir', path: inside(root, b.inside) });
    ops.push({ op: 'bind', source: b.source, target: inside(root, b.inside) });
  }
  if (facts.resolv.kind === 'bind') {
    ops.push({ op: 'bind', source: facts.resolv.source, target: inside(root, '/etc/resolv.conf') });
  } else if (facts.resolv.kind === 'copy-into-run') {
    ops.push({ op: 'mkdir', path: inside(root, facts.resolv.inside.replace(/\/[^/]*$/, '')) });
    ops.push({ op: 'copy', source: facts.resolv.source, target: inside(root, facts.resolv.inside) });
  }
  const detach = facts.inherited
    .filter((m) => !isKeptInheritedMount(m, root))
    .sort((a, b) => b.length - a.length);
  for (const path of new Set(detach)) ops.push({ op: 'detach', path });
  return ops;
}

/** The words of a plan, one operation after the other: tu-enter's arguments. */
export function planArguments(ops: MountOp[]): string[] {
  return ops.flatMap((o) => {
    if (o.op === 'tmpfs') return [o.op, o.mode, o.path];
    return 'path' in o ? [o.op, o.path] : [o.op, o.source, o.target];
  });
}
