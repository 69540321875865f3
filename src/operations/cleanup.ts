/**
 * `cleanup`: what interrupted runs left (snapshots in progress, scratch mounts under /run) and
 * our snapshots beyond the number limit — never the booted, next, last booted or known-good one.
 * The boot menu is regenerated too: the repair of a refresh that failed after a commit point.
 */
import { lastKnownGood } from '../boot/state.js';
import { lastBootedOtherThan, readBootHistory } from '../snapshots/bootHistory.js';
import { planCleanup, type CleanupPlan } from '../snapshots/cleanupPlan.js';
import { gatherOverview } from '../snapshots/overview.js';
import { protectedSnapshots } from '../snapshots/protected.js';
import type { System } from '../snapshots/system.js';
import { acquireLock } from '../transaction/lock.js';
import { refreshMenu } from './nextBoot.js';
import { recoverCrashedTransactions, type Recovered } from '../transaction/recovery.js';

export interface CleanupResult extends CleanupPlan {
  dryRun: boolean;
  /** What crash recovery did first (not with --dry-run). */
  recovered: Recovered | undefined;
  removed: number[];
  warnings: string[];
}

export async function cleanup(system: System, options: { keep: number; dryRun: boolean }): Promise<CleanupResult> {
  using _lock = acquireLock(system.stateDir);
  const recovered = options.dryRun ? undefined : await recoverCrashedTransactions(system);
  const overview = await gatherOverview(system);
  const lastBooted = lastBootedOtherThan(readBootHistory(system.stateDir), system.booted, (n) => system.store.has(n));
  const knownGood = lastKnownGood(system.stateDir, (n) => system.store.has(n));
  const plan = planCleanup(overview, { keep: options.keep, lastBooted, knownGood });
  const result: CleanupResult = { ...plan, dryRun: options.dryRun, recovered, removed: [], warnings: [] };
  if (options.dryRun) return result;
  const guard = await protectedSnapshots(system);
  for (const n of [...plan.leftovers, ...plan.beyondLimit]) {
    if (!system.store.has(n)) continue;
    await system.store.delete(n, guard);
    result.removed.push(n);
  }
  // Also the repair of a menu an earlier run could not refresh (a warning then).
  result.warnings.push(...(await refreshMenu(system)));
  return result;
}
