/**
 * The ESP, written with mtools without mounting it (works where the kernel has no vfat, and on
 * a system whose /boot/efi is not mounted): the boot loader files, and the device lookup by the
 * FAT volume id recorded at install time.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../util/exec.js';
import { buildEfiImage } from './efiImage.js';
import { espStub } from './espStub.js';
import { setGrubEnv } from '../grub/grubEnv.js';
import { ESP_BOOT_DIR, ESP_BOOT_FILE, ESP_DEBIAN_DIR, ESP_DIR, ESP_ENV_FILE } from '../layout.js';
import { scratchDir } from '../scratch.js';

/** mtools refuses FAT images whose geometry it finds odd; the file system is fine. */
export const MTOOLS_ENV = { MTOOLS_SKIP_CHECK: '1' };

export async function espUuidOf(device: string): Promise<string | undefined> {
  const { stdout, exitCode } = await run('blkid', ['-p', '-o', 'value', '-s', 'UUID', device], { reject: false });
  return exitCode === 0 && stdout.trim() ? stdout.trim() : undefined;
}

/** The block device carrying the ESP's volume id, if attached. */
export async function findEspDevice(espUuid: string | undefined): Promise<string | undefined> {
  if (!espUuid) return undefined;
  const { stdout, exitCode } = await run('blkid', ['-U', espUuid], { reject: false });
  return exitCode === 0 && stdout.trim() ? stdout.trim() : undefined;
}

/** Copy files onto the ESP, creating their directories. */
export async function writeEsp(espDevice: string, files: Array<{ path: string; source: string }>): Promise<void> {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const dir of [...dirs].sort()) {
    const exists = await run('mdir', ['-i', espDevice, `::/${dir}`], { reject: false, env: MTOOLS_ENV });
    if (exists.exitCode !== 0) await run('mmd', ['-i', espDevice, `::/${dir}`], { env: MTOOLS_ENV });
  }
  for (const f of files) await run('mcopy', ['-o', '-i', espDevice, f.source, `::/${f.path}`], { env: MTOOLS_ENV });
}

/**
 * BOOTX64.EFI (with the stub embedded) and the stub for Debian's signed GRUB; with
 * counterBlock, a fresh environment block for the boot counter too (install time only).
 */
export async function writeBootFiles(espDevice: string, fsUuid: string, modulesRoot: string, counterBlock: boolean): Promise<void> {
  const work = scratchDir('tu-esp-');
  try {
    const efi = await buildEfiImage(work, fsUuid, modulesRoot);
    const stub = join(work, 'grub.cfg');
    writeFileSync(stub, espStub(fsUuid));
    const files = [
      { path: `${ESP_BOOT_DIR}/${ESP_BOOT_FILE}`, source: efi },
      { path: `${ESP_DEBIAN_DIR}/grub.cfg`, source: stub },
    ];
    if (counterBlock) {
      const env = join(work, ESP_ENV_FILE);
      await setGrubEnv(env, {});
      files.push({ path: `${ESP_DIR}/${ESP_ENV_FILE}`, source: env });
    }
    await writeEsp(espDevice, files);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
