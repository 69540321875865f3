/** `up`/`update`: update the system in a new snapshot. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { packageTransaction } from '../packageTransaction.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('up').alias('update').description('update the system in a new snapshot')
    .action(async () => packageTransaction(ctx(), { kind: 'up' }, 'up'));
}
