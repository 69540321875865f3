/** `shell`: a shell in a new snapshot (commands from stdin without a terminal). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { transactAndReport } from '../transact.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('shell').description('open a shell in a new snapshot (commands from stdin without a terminal)')
    .action(async () => {
      const terminal = Boolean(process.stdin.isTTY);
      await transactAndReport(ctx(), 'shell', { interactive: terminal, steps: [], shell: { terminal } });
    });
}
