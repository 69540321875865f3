/**
 * The command table: every command's name, aliases and one-line summary, and the file that
 * defines it, loaded only when the command line names it (or when help lists them all). Each
 * file loads its domain code when its command runs. src/cli/commandWords.ts repeats the words
 * for the launcher, which must know them before this table loads (a unit test keeps them equal).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export interface CommandModule {
  /** Adds the command, its arguments, options and action to the program. */
  define(program: Command, ctx: () => CliContext): Command | void;
}

export interface CommandEntry {
  name: string;
  aliases?: readonly string[];
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'pkg', summary: 'install, remove or update packages in a new snapshot', load: () => import('./pkg.js') },
  { name: 'up', aliases: ['update'], summary: 'update the system in a new snapshot', load: () => import('./up.js') },
  { name: 'dup', aliases: ['dist-upgrade'], summary: 'upgrade the distribution in a new snapshot', load: () => import('./dup.js') },
  { name: 'run', summary: 'run a command in a new snapshot (everything after run is the command)', load: () => import('./run.js') },
  { name: 'shell', summary: 'open a shell in a new snapshot (commands from stdin without a terminal)', load: () => import('./shell.js') },
  { name: 'list', summary: 'list the snapshots', load: () => import('./list.js') },
  { name: 'status', summary: 'booted, default and pending snapshots', load: () => import('./status.js') },
  { name: 'rollback', summary: 'make a snapshot the next boot', load: () => import('./rollback.js') },
  { name: 'abort', summary: 'discard a snapshot that has not been booted, and boot the current one again', load: () => import('./abort.js') },
  { name: 'cleanup', summary: 'remove crash leftovers and snapshots beyond the number limit', load: () => import('./cleanup.js') },
  { name: 'image', summary: 'managed Btrfs systems in loop images', load: () => import('./image.js') },
  { name: 'show', summary: 'show what a snapshot changed: packages, files, /etc diffs', load: () => import('./show.js') },
  { name: 'diff', summary: 'show what differs from snapshot A to snapshot B', load: () => import('./diff.js') },
  { name: 'health-check', summary: 'check the booted snapshot; fall back to the known-good one when it fails (run at boot)', load: () => import('./healthCheck.js') },
  { name: 'etc-merge', summary: 'carry /etc edits made before the reboot into the booted snapshot (run at boot)', load: () => import('./etcMerge.js') },
  { name: 'grub.cfg', summary: 'regenerate the boot menu', load: () => import('./grubCfg.js') },
  { name: 'bootloader', summary: 'reinstall the boot loader on the ESP', load: () => import('./bootloader.js') },
  { name: 'initrd', summary: 'regenerate the initrd in a new snapshot', load: () => import('./initrd.js') },
  { name: 'kargs', summary: 'show or edit the kernel command line of the next snapshot (edits make a new snapshot)', load: () => import('./kargs.js') },
  { name: 'reboot', summary: 'reboot into the next snapshot by the configured method (REBOOT_METHOD)', load: () => import('./reboot.js') },
  // The fleet commands load etcd's gRPC client, which costs more than Node's own start.
  { name: 'fleet', summary: 'coordinate reboots across a fleet: never more than N machines at once', load: () => import('./fleet.js') },
];

/** The entry a command word names (name or alias). */
export function findCommand(word: string | undefined): CommandEntry | undefined {
  return word === undefined ? undefined : COMMANDS.find((c) => c.name === word || c.aliases?.includes(word));
}
