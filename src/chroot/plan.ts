/**
 * The mount plan of a transaction's chroot, decided from gathered facts (pure). The enter
 * script (enter.sh) carries it out inside the new namespaces.
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

/** The words of a plan, one operation after the other (for reading and tests). */
export function planArguments(ops: MountOp[]): string[] {
  return ops.flatMap((o) => {
    if (o.op === 'tmpfs') return [o.op, o.mode, o.path];
    return 'path' in o ? [o.op, o.path] : [o.op, o.source, o.target];
  });
}

/**
 * A plan as enter.sh carries it out, in three processes whatever its length: the mounts as one
 * fstab for a single `mount --all --fstab` (in order; a mkdir right before a mount of the same
 * path becomes X-mount.mkdir), then the few other operations (mkdir, copy) as words, then the
 * inherited mount points to detach, for a single `umount --lazy`.
 */
export interface EnterPlan {
  mountTable: string;
  words: string[];
  detach: string[];
}

export function enterPlan(ops: MountOp[]): EnterPlan {
  const lines: string[] = [];
  const words: string[] = [];
  const detach: string[] = [];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.op === 'detach') {
      detach.push(o.path);
      continue;
    }
    const next = ops[i + 1];
    if (o.op === 'mkdir' && next !== undefined && isMount(next) && mountTarget(next) === o.path) {
      lines.push(fstabLine(next, true));
      i++;
      continue;
    }
    if (isMount(o)) {
      // The mounts go first, all at once: a plan never needs one after a word operation.
      if (words.length > 0) throw new Error(`a mount after ${words[0]} cannot be planned: ${o.op}`);
      lines.push(fstabLine(o, false));
      continue;
    }
    if (o.op === 'mkdir') words.push('mkdir', o.path);
    else if (o.op === 'copy') words.push('copy', o.source, o.target);
  }
  return { mountTable: lines.map((l) => `${l}\n`).join(''), words, detach };
}

function isMount(o: MountOp): boolean {
  return o.op === 'proc' || o.op === 'sysfs' || o.op === 'tmpfs' || o.op === 'bind' || o.op === 'rbind';
}

function mountTarget(o: MountOp): string {
  return 'target' in o ? o.target : o.path;
}

function fstabLine(o: MountOp, mkdir: boolean): string {
  const make = mkdir ? ',X-mount.mkdir' : '';
  if (o.op === 'tmpfs') return `tmpfs ${fstabField(o.path)} tmpfs mode=${o.mode},nosuid,nodev${make} 0 0`;
  if (o.op === 'proc' || o.op === 'sysfs') return `${o.op} ${fstabField(o.path)} ${o.op} nosuid,nodev,noexec${make} 0 0`;
  if (o.op === 'rbind') return `${fstabField(o.source)} ${fstabField(o.target)} none rbind,rslave${make} 0 0`;
  if (o.op === 'bind') return `${fstabField(o.source)} ${fstabField(o.target)} none bind${make} 0 0`;
  throw new Error(`not a mount: ${o.op}`);
}

/** A path as an fstab field: every byte outside a plain set as a three-digit octal escape (libmount decodes them). */
export function fstabField(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9/._+:@=-]/.test(c) ? c : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}
