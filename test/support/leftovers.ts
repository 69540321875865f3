/**
 * Pure part of the run's leak check: parse `losetup -J -l` and `findmnt -J -l` output and
 * decide which loop devices and mounts a test run left behind.
 */
import { sep } from 'node:path';

export interface LoopDevice {
  name: string;
  backFile: string;
}

export interface Mount {
  target: string;
  source: string;
  fstype: string;
}

export interface SystemState {
  loops: LoopDevice[];
  mounts: Mount[];
}

export interface LeakPolicy {
  /** The run's own temp base dir: anything left here is always the run's fault. */
  baseDir: string;
  /** Other places tests make temp dirs (os.tmpdir(), /var/tmp). */
  tempDirs: readonly string[];
  /** In CI nothing else runs on the machine, so every new loop device or mount counts. */
  ci: boolean;
}

export interface Leftovers {
  failures: string[];
  warnings: string[];
}

/** losetup prints nothing at all when no loop device is attached. */
export function parseLosetupJson(text: string): LoopDevice[] {
  if (text.trim() === '') return [];
  const parsed = JSON.parse(text) as { loopdevices?: Array<Record<string, unknown>> };
  return (parsed.loopdevices ?? []).map((d) => ({
    name: String(d.name ?? ''),
    backFile: String(d['back-file'] ?? ''),
  }));
}

export function parseFindmntJson(text: string): Mount[] {
  if (text.trim() === '') return [];
  const parsed = JSON.parse(text) as { filesystems?: Array<Record<string, unknown>> };
  return (parsed.filesystems ?? []).map((m) => ({
    target: String(m.target ?? ''),
    source: String(m.source ?? ''),
    fstype: String(m.fstype ?? ''),
  }));
}

export function isInside(path: string, dir: string): boolean {
  const base = dir.endsWith(sep) ? dir.slice(0, -1) : dir;
  return path === base || path.startsWith(base + sep);
}

/** losetup marks a back file removed after attaching with " (deleted)". */
function backFilePath(loop: LoopDevice): string {
  return loop.backFile.replace(/ \(deleted\)$/, '');
}

export function describeLoop(loop: LoopDevice): string {
  return `loop device ${loop.name} (back file ${loop.backFile || 'none'})`;
}

export function describeMount(mount: Mount): string {
  return `mount ${mount.target} (${mount.fstype} from ${mount.source})`;
}

export function findLeftovers(before: SystemState, after: SystemState, policy: LeakPolicy): Leftovers {
  const failures: string[] = [];
  const warnings: string[] = [];
  const knownLoops = new Set(before.loops.map((l) => `${l.name}\0${l.backFile}`));
  const knownMounts = new Set(before.mounts.map((m) => `${m.target}\0${m.source}`));

  for (const loop of after.loops) {
    if (knownLoops.has(`${loop.name}\0${loop.backFile}`)) continue;
    const ours = isInside(backFilePath(loop), policy.baseDir);
    (ours || policy.ci ? failures : warnings).push(describeLoop(loop));
  }
  for (const mount of after.mounts) {
    if (knownMounts.has(`${mount.target}\0${mount.source}`)) continue;
    if (isInside(mount.target, policy.baseDir)) {
      failures.push(describeMount(mount));
      continue;
    }
    const suspicious =
      mount.fstype === 'btrfs' ||
      mount.source.startsWith('/dev/loop') ||
      policy.tempDirs.some((dir) => isInside(mount.target, dir));
    if (suspicious) (policy.ci ? failures : warnings).push(describeMount(mount));
  }
  return { failures, warnings };
}

export function leftoversMessage(failures: readonly string[]): string {
  return `the test run left ${failures.length} mount(s) or loop device(s) behind:\n${failures.map((f) => `  ${f}`).join('\n')}`;
}
