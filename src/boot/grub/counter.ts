/**
 * The boot counter: boot_counter in a GRUB environment block on the ESP. Armed with N attempts
 * when a snapshot other than the known-good one becomes the next boot; GRUB counts it down;
 * the health check removes it on a pass.
 *
 * The ESP is normally mounted at <root>/boot/efi. When it is not (an image worked on from
 * outside, or a kernel without vfat), the block is edited through mtools on the device that
 * carries the ESP's volume id.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../scratch.js';
import { findEspDevice, MTOOLS_ENV } from '../esp/esp.js';
import { log } from '../../util/log.js';
import { run } from '../../util/exec.js';
import type { System } from '../../snapshots/system.js';
import { readGrubEnv, setGrubEnv, unsetGrubEnv } from './grubEnv.js';
import { ESP_DIR, ESP_ENV_FILE, ESP_MOUNT } from '../layout.js';
import type { BootSettings } from '../settings.js';
import { lastKnownGood } from '../state.js';

export function espEnvFile(system: Pick<System, 'root'>): string {
  return join(system.root, ESP_MOUNT, ESP_DIR, ESP_ENV_FILE);
}

/** Run `edit` on the ESP's environment block, wherever it is reachable; false when it is not. */
export async function withEspEnv<T>(
  system: Pick<System, 'root'>,
  settings: Pick<BootSettings, 'espUuid'>,
  edit: (file: string) => Promise<T>,
): Promise<{ done: true; value: T } | { done: false }> {
  const mounted = espEnvFile(system);
  if (existsSync(mounted)) return { done: true, value: await edit(mounted) };
  const device = await findEspDevice(settings.espUuid);
  if (!device) return { done: false };
  const work = scratchDir('tu-espenv-');
  const local = join(work, ESP_ENV_FILE);
  const remote = `::/${ESP_DIR}/${ESP_ENV_FILE}`;
  try {
    const copied = await run('mcopy', ['-i', device, remote, local], { reject: false, env: MTOOLS_ENV });
    if (copied.exitCode !== 0) return { done: false };
    const value = await edit(local);
    await run('mcopy', ['-o', '-i', device, local, remote], { env: MTOOLS_ENV });
    return { done: true, value };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function armBootCounter(system: System, settings: BootSettings, next: number): Promise<void> {
  const knownGood = lastKnownGood(system.stateDir, (n) => system.store.has(n));
  const result = await withEspEnv(system, settings, async (file) => {
    if (knownGood === undefined || knownGood === next) await unsetGrubEnv(file, ['boot_counter']);
    else await setGrubEnv(file, { boot_counter: settings.bootAttempts });
  });
  if (!result.done) log.warn(`boot counting is off: the ESP's ${ESP_DIR}/${ESP_ENV_FILE} is not reachable (is the ESP mounted at /boot/efi?)`);
}

export async function resetBootCounter(system: System, settings: BootSettings): Promise<void> {
  await withEspEnv(system, settings, (file) => unsetGrubEnv(file, ['boot_counter']));
}

export async function readBootCounter(system: System, settings: BootSettings): Promise<string | undefined> {
  const result = await withEspEnv(system, settings, async (file) => (await readGrubEnv(file)).boot_counter);
  return result.done ? result.value : undefined;
}
