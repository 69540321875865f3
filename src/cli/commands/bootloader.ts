/** `bootloader`: reinstall the boot loader on the ESP. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('bootloader').description('reinstall the boot loader on the ESP')
    .action(async () => {
      const c = ctx();
      const { reinstallBootloader } = await import('../../boot/index.js');
      await reinstallBootloader(await c.system());
      c.print('boot loader reinstalled');
    });
}
