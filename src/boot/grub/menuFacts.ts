/** Gather the facts the menu is generated from: snapshots, their kernels and command lines. */
import { existsSync, readFileSync } from 'node:fs';
import { countManifest } from '../../manifest/summary.js';
import type { Manifest } from '../../manifest/types.js';
import { BOOT_ATTEMPTS_MAX } from '../../config/settings.js';
import type { SnapshotRecord } from '../../snapshots/store.js';
import type { System } from '../../snapshots/system.js';
import { readSnapshotCmdline } from '../cmdline.js';
import type { MenuFacts, MenuSnapshot } from './grubMenu.js';
import { findKernel } from '../kernel.js';
import type { BootSettings } from '../settings.js';
import { lastKnownGood } from '../state.js';

/** "+3 packages", "+1 ~2 -1 packages", or undefined when nothing changed in packages. */
export function packageSummary(manifest: Pick<Manifest, 'packages' | 'files' | 'outside'>): string | undefined {
  const c = countManifest(manifest);
  const parts: string[] = [];
  if (c.packagesAdded) parts.push(`+${c.packagesAdded}`);
  if (c.packagesChanged) parts.push(`~${c.packagesChanged}`);
  if (c.packagesRemoved) parts.push(`-${c.packagesRemoved}`);
  if (parts.length === 0) return undefined;
  const total = c.packagesAdded + c.packagesChanged + c.packagesRemoved;
  return `${parts.join(' ')} ${total === 1 ? 'package' : 'packages'}`;
}

function readSummary(record: SnapshotRecord): string | undefined {
  if (!existsSync(record.paths.manifest)) return undefined;
  try {
    return packageSummary(JSON.parse(readFileSync(record.paths.manifest, 'utf8')) as Manifest);
  } catch {
    return undefined;
  }
}

/** A snapshot the menu may offer: ours, finished, complete /etc, a kernel in /boot. */
export function menuSnapshot(record: SnapshotRecord, snapshotsFsPath: string): MenuSnapshot | undefined {
  if (!record.ours || !record.complete || record.inProgress || record.failed || !record.info) return undefined;
  const kernel = findKernel(record.paths.snapshot);
  if (!kernel) return undefined;
  const prefix = `${snapshotsFsPath}/${record.number}/snapshot`;
  return {
    number: record.number,
    date: record.info.date,
    description: record.info.description,
    summary: readSummary(record),
    kernel: `${prefix}/${kernel.kernel}`,
    initrd: `${prefix}/${kernel.initrd}`,
    args: readSnapshotCmdline(record.paths.snapshot).args,
  };
}

export function gatherMenuFacts(system: System, settings: BootSettings, next: number): MenuFacts {
  const snapshots = system.store
    .list()
    .map((r) => menuSnapshot(r, system.snapshotsFsPath))
    .filter((s): s is MenuSnapshot => s !== undefined);
  const bootable = new Set(snapshots.map((s) => s.number));
  return {
    fsUuid: settings.fsUuid,
    espUuid: settings.espUuid,
    snapshotsFsPath: system.snapshotsFsPath,
    next,
    knownGood: lastKnownGood(system.stateDir, (n) => bootable.has(n)),
    snapshots,
    // The ladder covers every value BOOT_ATTEMPTS may take; the counter is armed with the configured one.
    bootAttempts: Math.max(BOOT_ATTEMPTS_MAX, settings.bootAttempts),
    timeout: settings.timeout,
    serial: settings.serial,
  };
}
