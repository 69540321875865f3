/**
 * The boot counter: boot_counter in a GRUB environment block on the ESP (mounted at
 * <root>/boot/efi). Armed with N attempts when a snapshot other than the known-good one
 * becomes the next boot; GRUB counts it down; the health check removes it on a pass.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../util/log.js';
import type { System } from '../snapshots/system.js';
import { readGrubEnv, setGrubEnv, unsetGrubEnv } from './grubEnv.js';
import { ESP_DIR, ESP_ENV_FILE, ESP_MOUNT } from './layout.js';
import { lastKnownGood } from './state.js';

export function espEnvFile(system: Pick<System, 'root'>): string {
  return join(system.root, ESP_MOUNT, ESP_DIR, ESP_ENV_FILE);
}

export async function armBootCounter(system: System, next: number, attempts: number): Promise<void> {
  const file = espEnvFile(system);
  if (!existsSync(file)) {
    log.warn(`boot counting is off: ${file} does not exist (is the ESP mounted at /boot/efi?)`);
    return;
  }
  const knownGood = lastKnownGood(system.stateDir, (n) => system.store.has(n));
  if (knownGood === undefined || knownGood === next) await unsetGrubEnv(file, ['boot_counter']);
  else await setGrubEnv(file, { boot_counter: attempts });
}

export async function resetBootCounter(system: System): Promise<void> {
  const file = espEnvFile(system);
  if (existsSync(file)) await unsetGrubEnv(file, ['boot_counter']);
}

export async function readBootCounter(system: System): Promise<string | undefined> {
  return (await readGrubEnv(espEnvFile(system))).boot_counter;
}
