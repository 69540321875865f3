/**
 * Where the boot pieces live. The tool's GRUB directory is at the Btrfs top level, outside
 * every snapshot, so a rollback never takes the boot loader's own files back. GRUB can read
 * Btrfs but not write it (save_env fails: "sparse file not allowed"), so the boot counter
 * lives in an environment block on the FAT ESP, which GRUB can write.
 */

/** The tool's GRUB directory, relative to the Btrfs top level (subvolid 5). */
export const GRUB_DIR = 'boot/grub';
/** The menu inside GRUB_DIR. */
export const MENU_FILE = 'grub.cfg';
/** GRUB's pointer (next_snapshot=N), an environment block GRUB reads with load_env. */
export const POINTER_FILE = 'grubenv';
/** Facts about this system's boot set once by installBootloader (UUIDs, attempts, console). */
export const SETTINGS_FILE = 'transactional-update.json';

/** Where the ESP is mounted in a managed system. */
export const ESP_MOUNT = 'boot/efi';
/** Our directory on the ESP: the boot counter's environment block. */
export const ESP_DIR = 'EFI/transactional-update';
export const ESP_ENV_FILE = 'grubenv';
/** The removable-media boot path every UEFI firmware tries (no NVRAM entry needed). */
export const ESP_BOOT_DIR = 'EFI/BOOT';
export const ESP_BOOT_FILE = 'BOOTX64.EFI';
/** Where Debian's signed GRUB (loaded by shim) looks for its grub.cfg on the ESP. */
export const ESP_DEBIAN_DIR = 'EFI/debian';

/** Menu entry ids the counter ladder chooses between. */
export const ENTRY_NEXT = 'tu-next';
export const ENTRY_FALLBACK = 'tu-fallback';

export const DEFAULT_BOOT_ATTEMPTS = 3;
