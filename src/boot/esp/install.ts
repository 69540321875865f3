/**
 * Boot loader installation for `image create --bootable` and the `bootloader` command:
 * BOOTX64.EFI (grub-mkimage from Debian's grub-efi-amd64-bin, with the stub embedded) and the
 * stub as /EFI/debian/grub.cfg on the ESP, the counter's environment block on the ESP, and the
 * tool's GRUB directory (settings, pointer, first menu) at the Btrfs top level.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TuError } from '../../errors.js';
import type { BootableHooks } from '../../image/create.js';
import { SnapshotStore } from '../../snapshots/store.js';
import type { System } from '../../snapshots/system.js';
import { KERNEL_CMDLINE_FILE } from '../cmdline.js';
import { espUuidOf, findEspDevice, writeBootFiles } from './esp.js';
import { setGrubEnv } from '../grub/grubEnv.js';
import { generateMenu } from '../grub/grubMenu.js';
import { DEFAULT_BOOT_ATTEMPTS, POINTER_FILE } from '../layout.js';
import { installMenu } from '../grub/menu.js';
import { gatherMenuFacts, menuSnapshot } from '../grub/menuFacts.js';
import { grubDir, hasGrubDir, readBootSettings, writeBootSettings, type BootSettings } from '../settings.js';
import { markKnownGood } from '../state.js';
import { withTopLevel } from '../topLevel.js';

/** Packages snapshot 1 needs to boot with this boot loader. */
export const BOOTABLE_INCLUDES: string[] = [
  'linux-image-amd64',
  'initramfs-tools',
  'systemd-sysv',
  'udev',
  'kmod',
  // The initramfs hook that assembles and mounts Btrfs comes with btrfs-progs.
  'btrfs-progs',
  'dosfstools',
  // GRUB's EFI modules, so `bootloader` can rebuild BOOTX64.EFI from the system itself.
  'grub-efi-amd64-bin',
];

/** What image create hands over (its BootableHooks.install target), plus options of ours. */
export type BootableImageTarget = Parameters<BootableHooks['install']>[0] & {
  /** GRUB on the serial console too (VMs, servers with SOL). Default: true, as Debian's cloud images. */
  serialConsole?: boolean;
  /**
   * The kernel command line written to the first snapshot's /etc/kernel/cmdline when it has
   * none. Default: both consoles, serial last so it is /dev/console (Debian's cloud images).
   */
  kernelArgs?: string[];
  /** Boot attempts before GRUB falls back. Default: 3. */
  bootAttempts?: number;
  /** Menu timeout in seconds. Default: 5. */
  timeout?: number;
};

export const DEFAULT_KERNEL_ARGS = ['console=tty0', 'console=ttyS0,115200'];

export async function installBootloader(target: BootableImageTarget): Promise<void> {
  const espUuid = await espUuidOf(target.espDevice);
  if (!espUuid) throw new TuError(`${target.espDevice} holds no FAT file system`, { hint: 'make the ESP with mkfs.vfat first' });
  await writeBootFiles(target.espDevice, target.fsUuid, target.snapshotRoot, true);

  const top = target.topLevelMount;
  mkdirSync(grubDir(top), { recursive: true });
  const settings: BootSettings = {
    fsUuid: target.fsUuid,
    espUuid,
    bootAttempts: target.bootAttempts ?? DEFAULT_BOOT_ATTEMPTS,
    timeout: target.timeout ?? 5,
    serial: target.serialConsole ?? true,
  };
  const cmdlineFile = join(target.snapshotRoot, KERNEL_CMDLINE_FILE);
  if (!existsSync(cmdlineFile) && !existsSync(join(target.snapshotRoot, 'etc/default/grub'))) {
    mkdirSync(join(cmdlineFile, '..'), { recursive: true });
    writeFileSync(cmdlineFile, `${(target.kernelArgs ?? DEFAULT_KERNEL_ARGS).join(' ')}\n`);
  }
  writeBootSettings(top, settings);
  await setGrubEnv(join(grubDir(top), POINTER_FILE), { next_snapshot: target.firstSnapshot });
  const system = offlineSystem(top, target.snapshotsFsPath);
  // The first snapshot has nothing to fall back to: it is the known-good one from the start.
  markKnownGood(system.stateDir, target.firstSnapshot);
  // It is still being finished (in progress, no N/etc yet) but it is what boots.
  const record = system.store.read(target.firstSnapshot);
  const first = menuSnapshot({ ...record, inProgress: false, complete: true, ours: true }, target.snapshotsFsPath);
  if (!first) throw new TuError(`snapshot ${target.firstSnapshot} has no kernel with an initrd in /boot`, { hint: `include ${BOOTABLE_INCLUDES.slice(0, 2).join(' and ')}` });
  const facts = gatherMenuFacts(system, settings, target.firstSnapshot);
  facts.snapshots = [...facts.snapshots.filter((s) => s.number !== first.number), first];
  facts.knownGood = target.firstSnapshot;
  await installMenu(grubDir(top), generateMenu(facts));
}

/** The parts of a System the menu needs, seen from the top level of an unbooted image. */
function offlineSystem(top: string, snapshotsFsPath: string): System {
  return {
    root: top,
    store: new SnapshotStore(join(top, snapshotsFsPath)),
    stateDir: join(top, '@/var/lib/transactional-update'),
    snapshotsFsPath,
    booted: undefined,
  };
}

/**
 * `bootloader`: rebuild BOOTX64.EFI and the stubs on this system's ESP from the booted
 * snapshot's GRUB modules (the ESP is found by the volume id recorded at install time).
 */
export async function reinstallBootloader(system: System): Promise<void> {
  await withTopLevel(system, async (top) => {
    if (!hasGrubDir(top)) {
      throw new TuError('this system has no transactional-update boot loader to reinstall', {
        hint: "bootable systems come from 'transactional-update image create --bootable'",
      });
    }
    const settings = readBootSettings(top);
    const device = await findEspDevice(settings.espUuid);
    if (!device) throw new TuError(`the ESP (volume id ${settings.espUuid ?? 'unknown'}) was not found`, { hint: 'is the disk attached?' });
    await writeBootFiles(device, settings.fsUuid, system.root, false);
  });
}
