/**
 * Boot state under <root>/var/lib/transactional-update/ (a subvolume that never rolls back):
 * known-good snapshots, bad package sets, the last health result, the /etc merge report.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { InstalledPackage } from '../pkg/types.js';

export const KNOWN_GOOD_FILE = 'known-good.json';
export const BAD_SETS_FILE = 'bad-package-sets.json';
export const HEALTH_FILE = 'health.json';
export const FAILURE_REBOOT_FILE = 'health-reboot.json';
export const ETC_MERGE_FILE = 'etc-merge.json';

export function readJson<T>(stateDir: string, name: string): T | undefined {
  const file = join(stateDir, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeJson(stateDir: string, name: string, value: unknown): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileAtomic(join(stateDir, name), `${JSON.stringify(value, null, 2)}\n`);
}

// ---------- known-good ----------

interface KnownGoodFile {
  /** Snapshots that booted and passed the health check, oldest first. */
  snapshots: number[];
}

export function knownGoodList(stateDir: string): number[] {
  return readJson<KnownGoodFile>(stateDir, KNOWN_GOOD_FILE)?.snapshots.filter(Number.isInteger) ?? [];
}

/** The most recently marked known-good snapshot that still passes `exists`. */
export function lastKnownGood(stateDir: string, exists: (n: number) => boolean = () => true): number | undefined {
  return knownGoodList(stateDir).filter(exists).at(-1);
}

export function markKnownGood(stateDir: string, number: number): void {
  const list = knownGoodList(stateDir).filter((n) => n !== number);
  writeJson(stateDir, KNOWN_GOOD_FILE, { snapshots: [...list, number] } satisfies KnownGoodFile);
}

// ---------- bad package sets ----------

export interface BadPackageSet {
  snapshot: number;
  at: string;
  reason: string;
  packages: InstalledPackage[];
}

interface BadSetsFile {
  sets: BadPackageSet[];
}

export function badPackageSets(stateDir: string): BadPackageSet[] {
  return readJson<BadSetsFile>(stateDir, BAD_SETS_FILE)?.sets ?? [];
}

/** A package set as one comparable key: sorted name:arch=version lines. */
export function packageSetKey(packages: readonly InstalledPackage[]): string {
  return [...new Set(packages.map((p) => `${p.name}:${p.arch}=${p.version}`))].sort().join('\n');
}

export function recordBadPackageSet(stateDir: string, set: BadPackageSet): void {
  const sets = badPackageSets(stateDir);
  const key = packageSetKey(set.packages);
  if (sets.some((s) => packageSetKey(s.packages) === key)) return;
  writeJson(stateDir, BAD_SETS_FILE, { sets: [...sets, set] } satisfies BadSetsFile);
}

/** For the daily update: would this installed set rebuild one that already failed to boot? */
export function isBadPackageSet(stateDir: string, packages: readonly InstalledPackage[]): boolean {
  const key = packageSetKey(packages);
  return badPackageSets(stateDir).some((s) => packageSetKey(s.packages) === key);
}

// ---------- health result (read by the fleet engine) ----------

export interface HealthResult {
  snapshot: number;
  status: 'pass' | 'fail';
  fallback: boolean;
  /** Set when the snapshot was started by a soft-reboot (from: the snapshot that ran before). */
  softReboot?: { from: number };
  at: string;
  /** Names of failed checks with their message. */
  failures?: string[];
  /** What the tool did about it, one line. */
  action?: string;
}

export function writeHealthResult(stateDir: string, result: HealthResult): void {
  writeJson(stateDir, HEALTH_FILE, result);
}

export function readHealthResult(stateDir: string): HealthResult | undefined {
  return readJson<HealthResult>(stateDir, HEALTH_FILE);
}

/** Set when a failing check made the tool reboot into the known-good snapshot (once only). */
export interface FailureReboot {
  from: number;
  to: number;
  at: string;
}

export function readFailureReboot(stateDir: string): FailureReboot | undefined {
  return readJson<FailureReboot>(stateDir, FAILURE_REBOOT_FILE);
}
