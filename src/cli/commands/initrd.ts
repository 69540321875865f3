/** `initrd`: regenerate the initrd in a new snapshot. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { transact } from '../transact.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('initrd').description('regenerate the initrd in a new snapshot')
    .action(async () => {
      const c = ctx();
      const { number } = await transact(c, 'initrd', {
        interactive: false,
        steps: [{ argv: ['update-initramfs', '-u', '-k', 'all'], label: 'regenerate the initrd' }],
      });
      c.print(`snapshot ${number} has a new initrd; reboot to use it`);
    });
}
