/** `grub.cfg`: make the two next-boot pointers agree and regenerate the boot menu. */
import type { Command } from 'commander';
import { NoManagedBootLoader } from '../../errors.js';
import type { CliContext } from '../context.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('grub.cfg').description('regenerate the boot menu')
    .action(async () => {
      const system = await ctx().system();
      const { repairPointers, refreshBootMenu } = await import('../../boot/index.js');
      await repairPointers(system);
      if (!(await refreshBootMenu(system))) throw new NoManagedBootLoader();
    });
}
