/**
 * The one place a transaction that did not reach its commit point ends: N is deleted, or with
 * --keep left read-only and marked failed. Never the default, booted or known-good snapshot:
 * the store's deletion refuses those by checking.
 */
import { existsSync } from 'node:fs';
import * as btrfs from '../btrfs/btrfs.js';
import { errorMessage } from '../errors.js';
import { FAILED_KEY, IN_PROGRESS_KEY } from '../snapshots/store.js';
import { protectedSnapshots } from '../snapshots/protected.js';
import type { System } from '../snapshots/system.js';
import { log } from '../util/log.js';
import { verifyNothingMounted } from './runSteps.js';

export async function abandon(system: System, number: number, keep: boolean, why: unknown): Promise<void> {
  log.step(`snapshot ${number}: abandoned (${why === undefined ? 'interrupted' : errorMessage(why)})`);
  const paths = system.store.paths(number);
  try {
    await verifyNothingMounted(paths.snapshot);
    if (keep && existsSync(paths.snapshot)) {
      await btrfs.setReadOnly(paths.snapshot, true);
      if (existsSync(paths.snapshotEtc) && !existsSync(paths.etc)) {
        await btrfs.snapshotSubvolume(paths.snapshotEtc, paths.etc, { readOnly: true });
      }
      system.store.updateUserdata(number, (ud) => {
        delete ud[IN_PROGRESS_KEY];
        ud[FAILED_KEY] = 'yes';
      });
    } else {
      await system.store.delete(number, await protectedSnapshots(system));
    }
  } catch (cleanupError) {
    log.warn(`could not clean up snapshot ${number}: ${errorMessage(cleanupError)}; 'transactional-update cleanup' will retry`);
  }
}

/** `--drop-if-no-change` found nothing changed: N goes, as a success. */
export async function drop(system: System, number: number): Promise<void> {
  log.step(`snapshot ${number}: no change, dropped (--drop-if-no-change)`);
  await system.store.delete(number, await protectedSnapshots(system));
}
