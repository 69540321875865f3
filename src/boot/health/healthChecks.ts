/**
 * The checks themselves: built-in ones (the root is the snapshot this boot meant to start;
 * the separate subvolumes of the snapshot's fstab are mounted) and the administrator's and
 * vendor's executables in /etc/transactional-update/health.d and
 * /usr/lib/transactional-update/health.d (a file in /etc replaces the one of that name in
 * /usr/lib; run in name order; non-zero exit or a timeout is a failure).
 */
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFstab } from '../../image/layout.js';
import { escapeControl } from '../../util/escape.js';
import { run } from '../../util/exec.js';
import { findMount, type System } from '../../snapshots/system.js';
import type { BootIdentity } from '../bootIdentity.js';

export const HEALTH_DIRS = ['etc/transactional-update/health.d', 'usr/lib/transactional-update/health.d'];

export interface CheckResult {
  name: string;
  ok: boolean;
  message: string;
}

/**
 * The root is the snapshot this boot meant to start: the soft-reboot's target after a
 * soft-reboot the tool prepared, else the one the kernel was told to boot (tu.snapshot).
 */
export function checkRoot(identity: Pick<BootIdentity, 'booted' | 'intended' | 'intendedBy' | 'softReboot'>): CheckResult {
  const name = 'root';
  if (identity.intended === undefined) return { name, ok: false, message: 'no tu.snapshot on the kernel command line and no soft-reboot of the tool' };
  if (identity.booted !== identity.intended) {
    const says = identity.intendedBy === 'soft-reboot' ? 'the soft-reboot meant to start' : 'tu.snapshot says';
    return { name, ok: false, message: `the root is snapshot ${identity.booted ?? 'unknown'}, not ${identity.intended} as ${says}` };
  }
  const how = identity.softReboot ? ` (soft-rebooted from snapshot ${identity.softReboot.from})` : '';
  return { name, ok: true, message: `the root is snapshot ${identity.intended}${how}` };
}

/** Every Btrfs subvolume of the snapshot's fstab (besides /) must be mounted, from that subvolume. */
export async function checkSubvolumes(system: Pick<System, 'root'>): Promise<CheckResult> {
  const name = 'subvolumes';
  const fstab = join(system.root, 'etc/fstab');
  if (!existsSync(fstab)) return { name, ok: false, message: '/etc/fstab is missing' };
  const missing: string[] = [];
  for (const entry of parseFstab(readFileSync(fstab, 'utf8'))) {
    const subvol = /(?:^|,)subvol=([^,]+)/.exec(entry.options)?.[1];
    if (entry.fstype !== 'btrfs' || !subvol || entry.target === '/' || /(?:^|,)noauto(?:,|$)/.test(entry.options)) continue;
    const mount = await findMount(join(system.root, entry.target));
    if (!mount || mount.fsroot.replace(/^\/+/, '') !== subvol.replace(/^\/+/, '')) missing.push(entry.target);
  }
  return missing.length
    ? { name, ok: false, message: `not mounted: ${missing.map(escapeControl).join(', ')}` }
    : { name, ok: true, message: 'all separate subvolumes are mounted' };
}

/** health.d executables: /etc overrides /usr/lib by name. */
export function healthScripts(root: string): Array<{ name: string; path: string }> {
  const byName = new Map<string, string>();
  for (const dir of [...HEALTH_DIRS].reverse()) {
    const full = join(root, dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full)) byName.set(name, join(full, name));
  }
  return [...byName.entries()]
    .filter(([, path]) => isExecutableFile(path))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, path]) => ({ name, path }));
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function runHealthScript(script: { name: string; path: string }, timeoutMs: number): Promise<CheckResult> {
  const result = await run(script.path, [], { reject: false, timeoutMs });
  if (result.exitCode === 0) return { name: script.name, ok: true, message: 'passed' };
  const last = `${result.stderr}\n${result.stdout}`.trim().split('\n').filter(Boolean).at(-1) ?? '';
  const why = result.signal ? `killed by ${result.signal}${result.signal === 'SIGTERM' ? ' (timed out)' : ''}` : `exit ${result.exitCode}`;
  return { name: script.name, ok: false, message: `${why}${last ? `: ${escapeControl(last.slice(0, 200))}` : ''}` };
}
