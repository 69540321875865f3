/**
 * Step 6 (docs/architecture.md): the commit point. N becomes the next boot by two pointers, GRUB's
 * first, then the Btrfs default (docs/architecture.md "The next boot"); the moment the first of them names N the
 * transaction is committed (`tx.committed`), and from there on nothing abandons N. On a system
 * without our GRUB directory the Btrfs default is the only pointer, and the commit point.
 */
import { moveGrubPointer } from '../boot/index.js';
import type { System } from '../snapshots/system.js';
import { setDefaultSnapshot } from '../snapshots/system.js';
import { log } from '../util/log.js';
import { faultPoint } from './faultPoint.js';
import type { OpenTransaction } from './prepare.js';

export async function commit(system: System, tx: OpenTransaction): Promise<void> {
  await moveGrubPointer(system, tx.number, () => {
    tx.committed = true;
    log.step(`snapshot ${tx.number}: GRUB's pointer moved (committed)`);
    faultPoint('grub-pointer');
  });
  await setDefaultSnapshot(system, tx.number);
  tx.committed = true;
  tx.defaultSet = true;
  log.step(`snapshot ${tx.number} is the next boot`);
  faultPoint('btrfs-default');
}
