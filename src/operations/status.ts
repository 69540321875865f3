/**
 * `status`: what is booted, what boots next and what that brings, the boot loader's state and
 * the reboot the next boot needs — data only; src/cli/render/status.ts prints it. Read-only
 * apart from the pointer repair every run does (GRUB's pointer wins).
 */
import { repairPointers } from '../boot/index.js';
import { readBootStatus, type BootStatus } from '../boot/status.js';
import type { Settings } from '../config/settings.js';
import { readListing, rollbackPreviewFor, type Listing } from '../manifest/index/listing.js';
import type { RollbackPreview } from '../manifest/rollbackPreview.js';
import { rebootRandom } from '../reboot/run.js';
import { pendingFromState, readPendingReboot } from '../reboot/state.js';
import { rebootStatus, type RebootStatus } from '../reboot/status.js';
import { damagedSnapshots, type DamagedSnapshot, type ManifestHealth } from '../snapshots/damage.js';
import { gatherOverview, type SnapshotRow } from '../snapshots/overview.js';
import type { System } from '../snapshots/system.js';
import { log } from '../util/log.js';

export interface SystemStatus {
  root: string;
  booted: SnapshotRow | undefined;
  next: SnapshotRow | undefined;
  bootedNumber: number | undefined;
  nextNumber: number | undefined;
  pending: number[];
  inProgress: number[];
  failed: number[];
  /** Snapshots whose metadata or manifest is damaged, with what is wrong. */
  damaged: DamagedSnapshot[];
  /** What going from the booted snapshot to the next boot changes (a step forward, usually). */
  nextBootPreview: RollbackPreview | undefined;
  boot: BootStatus;
  /** Without settings (an unreadable configuration) there is no reboot plan. */
  reboot: RebootStatus | undefined;
  rebootMethod: string | undefined;
}

export async function readSystemStatus(system: System, settings: Settings | undefined, now = new Date()): Promise<SystemStatus> {
  await repairPointers(system);
  const overview = await gatherOverview(system);
  const row = (n: number | undefined) => overview.snapshots.find((s) => s.number === n);
  let nextBootPreview: RollbackPreview | undefined;
  if (overview.default !== undefined && overview.booted !== undefined && overview.default !== overview.booted) {
    try {
      nextBootPreview = await rollbackPreviewFor(system.store, overview.booted, overview.default);
    } catch (error) {
      log.detail(`no next-boot preview: ${String(error)}`);
    }
  }
  let listing: Listing | undefined;
  try {
    listing = readListing(system.store);
  } catch (error) {
    log.detail(`no snapshot index: ${String(error)}`);
  }
  const damaged = damagedSnapshots(overview.snapshots, (n) => listing?.summary(n)?.data as ManifestHealth | undefined);
  const pendingReboot = pendingFromState(readPendingReboot(system.stateDir), { booted: overview.booted, nextBoot: overview.default });
  return {
    root: system.root,
    booted: row(overview.booted),
    next: row(overview.default),
    bootedNumber: overview.booted,
    nextNumber: overview.default,
    pending: overview.snapshots.filter((s) => s.pending).map((s) => s.number),
    inProgress: overview.snapshots.filter((s) => s.inProgress).map((s) => s.number),
    failed: overview.snapshots.filter((s) => s.failed).map((s) => s.number),
    damaged,
    nextBootPreview,
    boot: await readBootStatus(system),
    reboot: settings
      ? rebootStatus({ now, settings, pending: pendingReboot, random: rebootRandom(system.root, pendingReboot) })
      : undefined,
    rebootMethod: settings?.rebootMethod,
  };
}
