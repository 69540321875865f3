/**
 * Which snapshot is running, and how it got there.
 *
 * The running snapshot is the subvolume mounted at / (System.booted, from mountinfo): after a
 * soft-reboot the kernel's command line still names the snapshot the kernel booted
 * (tu.snapshot=), and tu.fallback=1 too when that boot was a fallback. So the command line only
 * says how the kernel booted; the soft-reboot marker (written under /run before the switch; /run
 * survives a soft-reboot and is empty after a full boot) says which root a soft-reboot meant to
 * start. The boot id (/proc/sys/kernel/random/boot_id) stays the same across a soft-reboot and
 * changes at every kernel boot: a marker of another boot id is stale.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { parseJsonObject } from '../util/files.js';
import { parseBootCmdline, type BootCmdline } from './cmdlineFacts.js';

export const SOFT_REBOOT_MARKER = '/run/transactional-update/soft-reboot.json';
export const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';

export interface SoftRebootMarker {
  /** The snapshot that was running when the soft-reboot was asked for. */
  from: number;
  /** The snapshot prepared at /run/nextroot. */
  to: number;
  /** The kernel's boot id at that moment. */
  bootId: string;
  at: string;
}

/** How this system came to run the snapshot it runs: decided from gathered facts (pure). */
export interface BootIdentity {
  /** The snapshot mounted at /; undefined when / is none of the tool's snapshots. */
  booted: number | undefined;
  /** What the kernel's command line says (the last full boot). */
  kernel: BootCmdline;
  /** Set when the running root came from a soft-reboot the tool prepared in this kernel boot. */
  softReboot: { from: number; to: number } | undefined;
  /**
   * The running root was started by a fallback entry of the boot menu: tu.fallback=1, the root
   * is the snapshot the kernel booted, and no soft-reboot came since.
   */
  fallbackBoot: boolean;
  /** The snapshot this boot meant to start: the soft-reboot's target, else tu.snapshot. */
  intended: number | undefined;
  /** Where `intended` comes from, for messages. */
  intendedBy: 'soft-reboot' | 'tu.snapshot' | undefined;
}

export function identifyBoot(facts: {
  /** The snapshot mounted at / (mountinfo). */
  mounted: number | undefined;
  cmdline: string;
  marker: SoftRebootMarker | undefined;
  bootId: string | undefined;
}): BootIdentity {
  const kernel = parseBootCmdline(facts.cmdline);
  const m = facts.marker;
  // A marker of this kernel boot applies: the running root was meant to be its target. One of
  // another boot id is stale (a full boot came since; /run is normally empty then anyway).
  const current = m !== undefined && facts.bootId !== undefined && m.bootId === facts.bootId ? m : undefined;
  if (current) {
    const switched = current.to === facts.mounted;
    return {
      booted: facts.mounted,
      kernel,
      softReboot: switched ? { from: current.from, to: current.to } : undefined,
      fallbackBoot: false,
      intended: current.to,
      intendedBy: 'soft-reboot',
    };
  }
  return {
    booted: facts.mounted,
    kernel,
    softReboot: undefined,
    fallbackBoot: kernel.fallback && kernel.snapshot !== undefined && kernel.snapshot === facts.mounted,
    intended: kernel.snapshot,
    intendedBy: kernel.snapshot !== undefined ? 'tu.snapshot' : undefined,
  };
}

export function parseSoftRebootMarker(text: string): SoftRebootMarker | undefined {
  const r = parseJsonObject(text);
  if (!r || !Number.isInteger(r.from) || !Number.isInteger(r.to) || typeof r.bootId !== 'string' || typeof r.at !== 'string') return undefined;
  return { from: r.from as number, to: r.to as number, bootId: r.bootId, at: r.at };
}

export function readSoftRebootMarker(path = SOFT_REBOOT_MARKER): SoftRebootMarker | undefined {
  try {
    return parseSoftRebootMarker(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeSoftRebootMarker(marker: SoftRebootMarker, path = SOFT_REBOOT_MARKER): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileAtomic(path, `${JSON.stringify(marker, null, 2)}\n`);
}

export function readBootId(path = BOOT_ID_FILE): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Where the running system's facts are read; tests point them at files of their own. */
export interface BootIdentitySources {
  /** The kernel command line (default: /proc/cmdline). */
  cmdline?: string;
  markerPath?: string;
  bootIdPath?: string;
}

/** The identity of the running boot of `mounted` (System.booted). */
export function readBootIdentity(mounted: number | undefined, sources: BootIdentitySources = {}): BootIdentity {
  let cmdline = sources.cmdline;
  if (cmdline === undefined) {
    try {
      cmdline = readFileSync('/proc/cmdline', 'utf8');
    } catch {
      cmdline = '';
    }
  }
  return identifyBoot({
    mounted,
    cmdline,
    marker: readSoftRebootMarker(sources.markerPath),
    bootId: readBootId(sources.bootIdPath),
  });
}
