/** `pkg install|in`, `pkg remove|rm`, `pkg update|up`: packages in a new snapshot. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { packageTransaction } from '../packageTransaction.js';

export function define(program: Command, ctx: () => CliContext): Command {
  const pkg = program.command('pkg').description('install, remove or update packages in a new snapshot');
  pkg.command('install').alias('in').argument('<packages...>').description('install packages')
    .action(async (packages: string[]) => packageTransaction(ctx(), { kind: 'install', packages }, `pkg install ${packages.join(' ')}`));
  pkg.command('remove').alias('rm').argument('<packages...>').description('remove packages')
    .action(async (packages: string[]) => packageTransaction(ctx(), { kind: 'remove', packages }, `pkg remove ${packages.join(' ')}`));
  pkg.command('update').alias('up').argument('[packages...]').description('update the named packages, or all')
    .action(async (packages: string[]) => packageTransaction(ctx(), { kind: 'update', packages }, `pkg update ${packages.join(' ')}`.trim()));
  return pkg;
}
