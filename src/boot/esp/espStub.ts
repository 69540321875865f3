/**
 * The ESP stub: the few lines that take any GRUB — our BOOTX64.EFI (as its embedded early
 * config) or Debian's signed GRUB loaded by shim (as /EFI/debian/grub.cfg, where its built-in
 * prefix points) — to the tool's menu at the Btrfs top level, outside every snapshot.
 */
import { grubWord } from '../grub/grubQuote.js';
import { GRUB_DIR, MENU_FILE } from '../layout.js';

export function espStub(fsUuid: string): string {
  return [
    `search --no-floppy --fs-uuid --set=root ${grubWord(fsUuid)}`,
    `set prefix=($root)/${GRUB_DIR}`,
    `configfile ($root)/${GRUB_DIR}/${MENU_FILE}`,
    '',
  ].join('\n');
}

/** GRUB modules built into BOOTX64.EFI: enough to find the Btrfs, read env blocks and boot Linux. */
export const EFI_MODULES = [
  'part_gpt', 'part_msdos', 'fat', 'btrfs', 'normal', 'linux', 'search', 'search_label', 'search_fs_uuid',
  'configfile', 'loadenv', 'echo', 'test', 'true', 'serial', 'terminal', 'halt', 'reboot', 'all_video',
  'efi_gop', 'gzio', 'cat', 'regexp', 'sleep',
];
