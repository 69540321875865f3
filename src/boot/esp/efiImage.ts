/** BOOTX64.EFI: grub-mkimage from Debian's grub-efi-amd64-bin modules, the stub embedded. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TuError } from '../../errors.js';
import { run } from '../../util/exec.js';
import { EFI_MODULES, espStub } from './espStub.js';
import { ESP_BOOT_DIR, ESP_BOOT_FILE } from '../layout.js';

/** The directory of GRUB's x86_64-efi modules: the snapshot's own, else the host's. */
export function efiModulesDir(snapshotRoot: string): string {
  for (const dir of [join(snapshotRoot, 'usr/lib/grub/x86_64-efi'), '/usr/lib/grub/x86_64-efi']) {
    if (existsSync(join(dir, 'btrfs.mod'))) return dir;
  }
  throw new TuError("GRUB's EFI modules are missing (no usr/lib/grub/x86_64-efi in the snapshot or on the host)", {
    hint: 'install grub-efi-amd64-bin',
  });
}

/** Build BOOTX64.EFI into work/ and return its path. */
export async function buildEfiImage(work: string, fsUuid: string, snapshotRoot: string): Promise<string> {
  const early = join(work, 'early.cfg');
  writeFileSync(early, espStub(fsUuid));
  const out = join(work, ESP_BOOT_FILE);
  await run('grub-mkimage', ['-O', 'x86_64-efi', '-d', efiModulesDir(snapshotRoot), '-o', out, '-p', `/${ESP_BOOT_DIR}`, '-c', early, ...EFI_MODULES]);
  return out;
}
