/** Everything `status` shows about booting, gathered in one read-only pass. */
import { defaultSnapshot, type System } from '../snapshots/system.js';
import { readBootCounter } from './grub/counter.js';
import { pendingEtcEdits, readEtcMergeReport, type EtcMergeReport, type PendingEtcEdits } from './etcMerge/etcMerge.js';
import { readPointer } from './pointers.js';
import { hasGrubDir, readBootSettings } from './settings.js';
import { badPackageSets, lastKnownGood, readFailureReboot, readHealthResult, type FailureReboot, type HealthResult } from './state.js';
import { withTopLevel } from './topLevel.js';

export interface BootStatus {
  /** This system boots through the tool's GRUB directory. */
  managedBootLoader: boolean;
  /** GRUB's pointer and the Btrfs default; they agree unless a run was interrupted. */
  pointer: number | undefined;
  btrfsDefault: number | undefined;
  knownGood: number | undefined;
  /** Boot attempts left for the next snapshot; undefined when it is not being counted. */
  bootCounter: string | undefined;
  health: HealthResult | undefined;
  failureReboot: FailureReboot | undefined;
  badPackageSets: Array<{ snapshot: number; at: string; reason: string; packages: number }>;
  /** The last /etc merge at boot (with its conflicts). */
  etcMerge: EtcMergeReport | undefined;
  /** /etc edits the next boot will merge, before the reboot. */
  pendingEtcEdits: PendingEtcEdits | undefined;
}

export async function readBootStatus(system: System): Promise<BootStatus> {
  const boot = await withTopLevel(system, async (top) => {
    if (!hasGrubDir(top)) return { managed: false, pointer: undefined, counter: undefined };
    return { managed: true, pointer: await readPointer(top), counter: await readBootCounter(system, readBootSettings(top)) };
  });
  return {
    managedBootLoader: boot.managed,
    pointer: boot.pointer,
    btrfsDefault: await defaultSnapshot(system),
    knownGood: lastKnownGood(system.stateDir, (n) => system.store.has(n)),
    bootCounter: boot.counter,
    health: readHealthResult(system.stateDir),
    failureReboot: readFailureReboot(system.stateDir),
    badPackageSets: badPackageSets(system.stateDir).map((s) => ({ snapshot: s.snapshot, at: s.at, reason: s.reason, packages: s.packages.length })),
    etcMerge: readEtcMergeReport(system),
    pendingEtcEdits: await pendingEtcEdits(system),
  };
}
