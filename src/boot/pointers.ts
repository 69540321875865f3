/**
 * "The next boot" is two pointers: GRUB's (next_snapshot in the grubenv beside the menu; stock
 * GRUB ignores the Btrfs default) and the Btrfs default subvolume (for the kernel without
 * rootflags, snapper and every other tool). GRUB's is written first, so after a crash between
 * the two the file GRUB reads is right, and the next run repairs the default from it.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { resolveSettings } from '../config/settings.js';
import { log } from '../util/log.js';
import { defaultSnapshot, setDefaultSnapshot, type System } from '../snapshots/system.js';
import { readGrubEnv, setGrubEnv } from './grub/grubEnv.js';
import { POINTER_FILE } from './layout.js';
import { armBootCounter } from './grub/counter.js';
import { grubDir, hasGrubDir, readBootSettings } from './settings.js';
import { withTopLevel } from './topLevel.js';

export function pointerFile(top: string): string {
  return join(grubDir(top), POINTER_FILE);
}

export async function readPointer(top: string): Promise<number | undefined> {
  const value = (await readGrubEnv(pointerFile(top))).next_snapshot;
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** GRUB's pointer, when this system has our GRUB directory. */
export async function readGrubPointer(system: System): Promise<number | undefined> {
  return withTopLevel(system, async (top) => (hasGrubDir(top) ? readPointer(top) : undefined));
}

/**
 * GRUB's pointer (and the boot counter for `number`); false when this system has no GRUB
 * directory of ours, where the Btrfs default is the only pointer. `whileMounted` runs after the
 * write with the top level still mounted (the fault suite stops there).
 */
export async function moveGrubPointer(system: System, number: number, whileMounted: () => void = () => {}): Promise<boolean> {
  return withTopLevel(system, async (top) => {
    if (!hasGrubDir(top)) return false;
    const settings = readBootSettings(top);
    await armBootCounter(system, { ...settings, bootAttempts: configuredAttempts(system.root, settings.bootAttempts) }, number);
    await setGrubEnv(pointerFile(top), { next_snapshot: number });
    whileMounted();
    return true;
  });
}

/** Make `number` the next boot: boot counter, GRUB's pointer, then the Btrfs default. */
export async function setNextBoot(system: System, number: number): Promise<void> {
  await moveGrubPointer(system, number);
  await setDefaultSnapshot(system, number);
}

/** When the pointers disagree, GRUB's wins and the Btrfs default is repaired. */
export async function repairPointers(system: System): Promise<void> {
  const pointer = await readGrubPointer(system);
  if (pointer === undefined || !system.store.has(pointer)) return;
  const current = await defaultSnapshot(system);
  if (current === pointer) return;
  log.warn(`the Btrfs default (${current ?? 'none'}) disagreed with GRUB's pointer (${pointer}); repaired to ${pointer}`);
  await setDefaultSnapshot(system, pointer);
}

/** BOOT_ATTEMPTS of the running system's configuration; the install-time value if unreadable. */
function configuredAttempts(root: string, fallback: number): number {
  try {
    return resolveSettings(loadConfig({ root })).bootAttempts;
  } catch {
    return fallback;
  }
}
