/**
 * /etc edits made after a transaction, before the reboot: merged at boot into the new /etc
 * (etc-merge, before services read /etc), and listed by status until then (pendingEtcEdits).
 *
 * "The previously running /etc" at boot is the previous snapshot's nested etc subvolume
 * (B/snapshot/etc): it stays as it was when B went down. B is the snapshot a soft-reboot
 * switched from (its marker under /run), else the latest other snapshot of the boot history
 * (booted.json), or N's base from its manifest when there is none. The merge happens only
 * when B is the snapshot whose /etc N/etc.start was taken from (etcStartOrigin.ts), or when
 * that was not recorded.
 * Copies keep mode, owner and times; extended attributes and ACLs are not carried.
 */
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import { join } from 'node:path';
import * as btrfs from '../../btrfs/btrfs.js';
import { etcStartOriginFile, readEtcStartOrigin } from '../../snapshots/etcStartOrigin.js';
import { defaultSnapshot, type System } from '../../snapshots/system.js';
import { log } from '../../util/log.js';
import { planEtcMerge, type EtcMergePlan } from './etcMergePlan.js';
import { scanEtc, type EtcEntry } from './etcTree.js';
import { lastBootedOtherThan, readBootHistory, recordBooted } from '../../snapshots/bootHistory.js';
import { ETC_MERGE_FILE, readJson, writeJson } from '../state.js';
import { readBootIdentity, type BootIdentitySources } from '../bootIdentity.js';

export const RUNNING_SUFFIX = '.tu-running';

export interface EtcMergeReport {
  snapshot: number;
  from: number;
  at: string;
  merged: string[];
  /** N's version stays; the running one is beside it (runningCopy) unless it was deleted. */
  conflicts: Array<{ path: string; runningCopy: string | null }>;
}

function copyEntry(source: string, target: string, entry: EtcEntry): void {
  const tmp = `${target}.tu-merge-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  if (entry.type === 'symlink') {
    symlinkSync(readlinkSync(source), tmp);
  } else if (entry.type === 'dir') {
    if (existsSync(target) && lstatSync(target).isDirectory()) {
      chownSync(target, entry.uid, entry.gid);
      chmodSync(target, entry.mode);
      return;
    }
    mkdirSync(tmp);
    chownSync(tmp, entry.uid, entry.gid);
    chmodSync(tmp, entry.mode);
  } else {
    copyFileSync(source, tmp);
    chownSync(tmp, entry.uid, entry.gid);
    chmodSync(tmp, entry.mode);
    const st = lstatSync(source);
    utimesSync(tmp, st.atime, st.mtime);
  }
  if (existsSync(target) && lstatSync(target).isDirectory() && entry.type !== 'dir') rmSync(target, { recursive: true });
  renameSync(tmp, target);
}

function removeEntry(target: string): boolean {
  if (!existsSync(target) && !isSymlink(target)) return true;
  if (lstatSync(target).isDirectory()) {
    try {
      rmdirSync(target);
    } catch {
      return false; // N put something in it: keep it
    }
  } else unlinkSync(target);
  return true;
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Carry out a plan: running → live (the new /etc). Returns the report's lists. */
export function applyEtcMerge(plan: EtcMergePlan, runningDir: string, liveDir: string): Pick<EtcMergeReport, 'merged' | 'conflicts'> {
  const merged: string[] = [];
  const conflicts: EtcMergeReport['conflicts'] = plan.conflicts.map(({ path, running }) => {
    if (running?.type !== 'file' && running?.type !== 'symlink') return { path: `/etc/${path}`, runningCopy: null };
    const beside = join(liveDir, `${path}${RUNNING_SUFFIX}`);
    if (!existsSync(join(beside, '..'))) return { path: `/etc/${path}`, runningCopy: null };
    copyEntry(join(runningDir, path), beside, running);
    return { path: `/etc/${path}`, runningCopy: `/etc/${path}${RUNNING_SUFFIX}` };
  });
  for (const { path, running } of plan.apply) {
    const target = join(liveDir, path);
    if (running === undefined) {
      if (removeEntry(target)) merged.push(`/etc/${path}`);
      else conflicts.push({ path: `/etc/${path}`, runningCopy: null });
    } else {
      copyEntry(join(runningDir, path), target, running);
      merged.push(`/etc/${path}`);
    }
  }
  return { merged, conflicts };
}

/**
 * The snapshot that ran before this boot: after a soft-reboot the one it switched from (its
 * marker says), else the boot history's latest other one, else N's base.
 */
export function previousSnapshot(system: System, booted: number, softRebootFrom?: number): number | undefined {
  if (softRebootFrom !== undefined && softRebootFrom !== booted && system.store.has(softRebootFrom)) return softRebootFrom;
  const last = lastBootedOtherThan(readBootHistory(system.stateDir), booted, (n) => system.store.has(n));
  if (last !== undefined) return last;
  try {
    const manifest = JSON.parse(readFileSync(system.store.paths(booted).manifest, 'utf8')) as { base?: number | null };
    return typeof manifest.base === 'number' ? manifest.base : undefined;
  } catch {
    return undefined;
  }
}

/**
 * At boot, and after a soft-reboot (the unit runs again, as at a boot): merge the previous
 * system's late /etc edits into the booted snapshot's /etc, once (N/etc.start is removed
 * afterwards), and remember which snapshot booted.
 */
export async function mergeEtcAtBoot(system: System, sources: BootIdentitySources = {}): Promise<EtcMergeReport | undefined> {
  const booted = system.booted;
  if (booted === undefined) return undefined;
  const n = system.store.paths(booted);
  let report: EtcMergeReport | undefined;
  const from = previousSnapshot(system, booted, readBootIdentity(booted, sources).softReboot?.from);
  const origin = readEtcStartOrigin(n);
  if (existsSync(n.etcStart) && from !== undefined && origin !== undefined && origin !== from) {
    log.step(`/etc merge skipped: snapshot ${booted}'s /etc began from snapshot ${origin}'s, and snapshot ${from} ran before it; edits made there are not carried`);
  } else if (existsSync(n.etcStart) && from !== undefined && system.store.has(from)) {
    const runningDir = system.store.paths(from).snapshotEtc;
    const liveDir = join(system.root, 'etc');
    const plan = planEtcMerge(scanEtc(n.etcStart), scanEtc(runningDir), scanEtc(n.etc));
    const { merged, conflicts } = applyEtcMerge(plan, runningDir, liveDir);
    report = { snapshot: booted, from, at: new Date().toISOString(), merged, conflicts };
    writeJson(system.stateDir, ETC_MERGE_FILE, report);
    log.step(`/etc merge from snapshot ${from}: ${merged.length} carried, ${conflicts.length} conflicts`);
    for (const c of conflicts) log.warn(`/etc merge conflict: ${c.path} keeps snapshot ${booted}'s version${c.runningCopy ? `; the running one is ${c.runningCopy}` : ''}`);
  }
  if (existsSync(n.etcStart)) await btrfs.deleteSubvolume(n.etcStart);
  rmSync(etcStartOriginFile(n), { force: true });
  recordBooted(system.stateDir, booted);
  return report;
}

export function readEtcMergeReport(system: Pick<System, 'stateDir'>): EtcMergeReport | undefined {
  return readJson<EtcMergeReport>(system.stateDir, ETC_MERGE_FILE);
}

export interface PendingEtcEdits {
  /** The snapshot that boots next and will receive the edits. */
  snapshot: number;
  /** Will be carried into it at boot. */
  carried: string[];
  /** Changed by the snapshot too: its version will win, the running one kept beside it. */
  conflicts: string[];
}

/** For status before the reboot: edits to the running /etc since the next snapshot was taken. */
export async function pendingEtcEdits(system: System): Promise<PendingEtcEdits | undefined> {
  const next = await defaultSnapshot(system);
  if (next === undefined || next === system.booted || !system.store.has(next)) return undefined;
  const n = system.store.paths(next);
  if (!existsSync(n.etcStart) || !existsSync(n.etc)) return undefined;
  const origin = readEtcStartOrigin(n);
  if (origin !== undefined && origin !== system.booted) return undefined;
  const plan = planEtcMerge(scanEtc(n.etcStart), scanEtc(join(system.root, 'etc')), scanEtc(n.etc));
  return {
    snapshot: next,
    carried: plan.apply.map((a) => `/etc/${a.path}`),
    conflicts: plan.conflicts.map((c) => `/etc/${c.path}`),
  };
}
