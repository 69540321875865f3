/** `dup`/`dist-upgrade`: upgrade the distribution in a new snapshot. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { packageTransaction } from '../packageTransaction.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('dup').alias('dist-upgrade').description('upgrade the distribution in a new snapshot')
    .action(async () => packageTransaction(ctx(), { kind: 'dup' }, 'dup'));
}
