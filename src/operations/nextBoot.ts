/**
 * Moving the next boot outside a transaction (rollback, abort): the same commit point as a
 * transaction's — GRUB's pointer first, then the Btrfs default — and the boot menu after it,
 * whose failure is a warning the next run repairs.
 */
import { refreshBootMenu, setNextBoot } from '../boot/index.js';
import { errorMessage } from '../errors.js';
import type { System } from '../snapshots/system.js';
import { log } from '../util/log.js';

/** Returns the warnings (one line each). */
export async function moveNextBoot(system: System, number: number): Promise<string[]> {
  await setNextBoot(system, number);
  return refreshMenu(system, `snapshot ${number} is the next boot, but `);
}

export async function refreshMenu(system: System, prefix = ''): Promise<string[]> {
  try {
    await refreshBootMenu(system);
    return [];
  } catch (error) {
    const warning = `${prefix}refreshing the boot menu failed (${errorMessage(error)}); the next run repairs it`;
    log.warn(warning);
    return [warning];
  }
}
