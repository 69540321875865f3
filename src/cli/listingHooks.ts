/**
 * What listings and rollbacks get from the manifest, boot and reboot modules: a summary per
 * snapshot, a rollback preview, status lines, and how the next boot is set.
 */
import { readHealthResult, lastKnownGood, badPackageSets } from '../boot/state.js';
import { readListing, rollbackPreviewFor, type Listing } from '../manifest/listing.js';
import { readPendingReboot } from '../reboot/state.js';
import type { ListedSnapshot, Overview } from '../snapshots/overview.js';
import type { System } from '../snapshots/system.js';
import { escapeControl } from '../util/escape.js';
import { log } from '../util/log.js';
import { renderRollbackPreview } from './render/rollbackPreview.js';
import { rollbackPreviewJson } from './render/json.js';
import { makePalette, wantsColor } from './render/palette.js';

export interface ListingHooks {
  /** The snapshots as the index lists them (no info.xml read when it is fresh); undefined without an index. */
  listed(): ListedSnapshot[] | undefined;
  summary(number: number): { text: string; data: unknown } | undefined;
  /** What going from `from` to `to` undoes and brings back: text for people, data for --json. */
  rollbackPreview(from: number | undefined, to: number): Promise<{ text: string[]; json: unknown }>;
  status(overview: Overview): Promise<{ lines: string[]; data: Record<string, unknown> }>;
  setNextBoot(number: number): Promise<void>;
  afterRemoval(): Promise<void>;
  /** The two next-boot pointers agree again (GRUB's wins). */
  repair(): Promise<void>;
}

export async function listingHooks(system: System, configFile?: string): Promise<ListingHooks> {
  let listing: Listing | null | undefined;
  const index = (): Listing | null => {
    if (listing !== undefined) return listing;
    try {
      listing = readListing(system.store);
    } catch (error) {
      log.detail(`no snapshot index: ${String(error)}`);
      listing = null;
    }
    return listing;
  };
  return {
    listed() {
      return index()?.snapshots.map((s) => ({
        number: s.number,
        date: s.date === null ? undefined : new Date(s.date),
        description: s.description,
        type: s.type ?? 'unknown',
        userdata: s.userdata,
      }));
    },
    summary(number) {
      return index()?.summary(number);
    },
    async rollbackPreview(from, to) {
      if (from === undefined || from === to) return { text: [], json: null };
      const preview = await rollbackPreviewFor(system.store, from, to);
      return { text: [renderRollbackPreview(preview, makePalette(wantsColor(process.stderr)))], json: rollbackPreviewJson(preview) };
    },
    async status(overview) {
      const lines: string[] = [];
      const data: Record<string, unknown> = {};
      try {
        const [{ systemSettings }, { nextWindow }, { formatInZone }] = await Promise.all([
          import('./settings.js'),
          import('../reboot/window.js'),
          import('../reboot/timezone.js'),
        ]);
        const { settings } = systemSettings(system.root, configFile);
        const window = nextWindow(new Date(), settings.rebootWindows, settings.rebootTimeZone);
        if (window) {
          const open = window.start.getTime() <= Date.now();
          lines.push(open
            ? `Maintenance window: open now, until ${formatInZone(window.end, settings.rebootTimeZone)}`
            : `Next maintenance window: ${formatInZone(window.start, settings.rebootTimeZone)}`);
          data.nextWindow = { start: window.start.toISOString(), end: window.end.toISOString(), open };
        }
        data.rebootMethod = settings.rebootMethod;
      } catch (error) {
        lines.push(`Configuration: ${error instanceof Error ? error.message : String(error)}`);
      }
      const reboot = readPendingReboot(system.stateDir);
      if (reboot && reboot.snapshot === overview.default && overview.default !== overview.booted) {
        lines.push(`Reboot needed: ${reboot.level} (for snapshot ${reboot.snapshot})`);
        data.rebootLevel = reboot.level;
      }
      if (overview.default !== undefined && overview.default !== overview.booted) {
        try {
          const preview = await rollbackPreviewFor(system.store, overview.booted ?? overview.default, overview.default);
          lines.push('What the next boot brings:', renderRollbackPreview(preview, makePalette(wantsColor(process.stdout))));
          data.nextBoot = preview;
        } catch (error) {
          log.detail(`no next-boot preview: ${String(error)}`);
        }
        try {
          const { pendingEtcEdits } = await import('../boot/etcMerge.js');
          const edits = await pendingEtcEdits(system);
          if (edits && edits.carried.length) {
            lines.push(`Edits to /etc made since snapshot ${edits.snapshot} was taken, carried over at boot: ${edits.carried.map(escapeControl).join(', ')}`);
          }
          if (edits && edits.conflicts.length) {
            lines.push(`Edits to /etc that snapshot ${edits.snapshot} changed too (its version wins, yours is kept beside it): ${edits.conflicts.map(escapeControl).join(', ')}`);
          }
          data.pendingEtcEdits = edits ?? null;
        } catch (error) {
          log.detail(`no pending /etc edits: ${String(error)}`);
        }
      }
      const { readEtcMergeReport } = await import('../boot/etcMerge.js');
      const merge = readEtcMergeReport(system);
      if (merge && merge.conflicts.length) {
        lines.push(`/etc conflicts at the last boot (the snapshot's version kept, yours beside it): ${merge.conflicts.map((c) => escapeControl(c.path)).join(', ')}`);
        data.etcConflicts = merge.conflicts;
      }
      const health = readHealthResult(system.stateDir);
      if (health) {
        lines.push(`Health check: ${health.status} for snapshot ${health.snapshot}${health.fallback ? ' (fallback boot)' : ''} at ${health.at}`);
        data.health = health;
      }
      const good = lastKnownGood(system.stateDir);
      if (good !== undefined) data.knownGood = good;
      const bad = badPackageSets(system.stateDir);
      if (bad.length) {
        lines.push(`Bad package sets recorded: ${bad.length} (the daily update will not rebuild them)`);
        data.badPackageSets = bad;
      }
      return { lines, data };
    },
    async setNextBoot(number) {
      const { setNextBoot, refreshBootMenu } = await import('../boot/index.js');
      await setNextBoot(system, number);
      await refreshBootMenu(system);
    },
    async afterRemoval() {
      const { refreshBootMenu } = await import('../boot/index.js');
      await refreshBootMenu(system);
    },
    async repair() {
      const { repairPointers } = await import('../boot/index.js');
      await repairPointers(system);
    },
  };
}
