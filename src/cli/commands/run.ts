/** `run <cmd> [args…]`: a command in a new snapshot; its exit code is the tool's. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { transactAndReport } from '../transact.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('run').description('run a command in a new snapshot (everything after run is the command)')
    .argument('<command>').argument('[args...]')
    .allowUnknownOption().passThroughOptions().helpOption(false)
    .action(async (command: string, args: string[]) => {
      const c = ctx();
      const argv = [command, ...args];
      await transactAndReport(c, `run ${argv.join(' ')}`, {
        interactive: c.terminal && !c.options.nonInteractive,
        steps: [{ argv, label: `run ${argv[0]}` }],
        propagateExitCode: true,
      });
    });
}
