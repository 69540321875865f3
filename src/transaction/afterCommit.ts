/**
 * Step 7: after the commit point. N is the next boot whatever happens here: each of these is
 * repairable, so a failure is one warning line and the next run (or `grub.cfg`) redoes it —
 * the Btrfs default follows GRUB's pointer, the in-progress mark is cleared, the boot menu
 * regenerated, the reboot level recorded. Crash recovery finishes a committed snapshot with
 * the same function.
 */
import { refreshBootMenu } from '../boot/index.js';
import { errorMessage } from '../errors.js';
import { indexInfo } from '../manifest/index/indexDb.js';
import { readManifest } from '../manifest/storeJson.js';
import type { Manifest } from '../manifest/types.js';
import { snapshotLevel } from '../reboot/snapshotLevel.js';
import { recordRebootLevel } from '../reboot/state.js';
import { IN_PROGRESS_KEY } from '../snapshots/store.js';
import { defaultSnapshot, setDefaultSnapshot, type System } from '../snapshots/system.js';
import { log } from '../util/log.js';
import { faultPoint } from './faultPoint.js';

export interface Committed {
  number: number;
  base: number;
  /** The package manager said so (zypper's 102); otherwise the level follows the manifest. */
  rebootNeeded: boolean;
  manifest: Manifest | undefined;
  /** The commit set the Btrfs default to N: nothing to look at again. */
  defaultSet?: boolean;
}

/** Returns the warnings (one line each); never throws. */
export async function afterCommit(system: System, committed: Committed): Promise<string[]> {
  const { number } = committed;
  const warnings: string[] = [];
  const attempt = async (what: string, action: () => unknown): Promise<void> => {
    try {
      await action();
    } catch (error) {
      const warning = `snapshot ${number} is the next boot, but ${what} failed (${errorMessage(error)}); the next run repairs it`;
      log.warn(warning);
      warnings.push(warning);
    }
  };
  await attempt('setting the Btrfs default', async () => {
    if (!committed.defaultSet && (await defaultSnapshot(system)) !== number) await setDefaultSnapshot(system, number);
  });
  await attempt('clearing its in-progress mark', () => {
    system.store.updateUserdata(number, (ud) => {
      delete ud[IN_PROGRESS_KEY];
    });
    faultPoint('commit');
  });
  try {
    indexInfo(system.store, number);
  } catch (error) {
    // The index is only an index: the next reader's freshness check catches up.
    log.detail(`snapshot ${number}: its info.xml was not indexed again (${errorMessage(error)})`);
  }
  await attempt('refreshing the boot menu', async () => {
    await refreshBootMenu(system);
    faultPoint('boot-menu');
  });
  await attempt('recording the reboot level', () => {
    const level = snapshotLevel(system.store, committed.manifest, committed.rebootNeeded);
    recordRebootLevel(system.stateDir, number, level.level, { base: committed.base, booted: system.booted, cause: level });
    faultPoint('reboot-level');
  });
  return warnings;
}

/** For crash recovery: a snapshot a pointer names but still marked in progress was committed. */
export async function finishCommitted(system: System, number: number): Promise<string[]> {
  const manifest = readManifest(system.store, number);
  return afterCommit(system, { number, base: manifest?.base ?? system.booted ?? number, rebootNeeded: false, manifest });
}
