/** Commands contributed by other modules (manifest, boot, fleet), wired in one place. */
import type { Command } from 'commander';
import { runTransaction } from '../transaction/transaction.js';
import type { CliContext } from './context.js';
import { registerBootCommands } from './commands/boot.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerFleetCommand } from './commands/fleet.js';
import { registerShowCommand } from './commands/show.js';
import { registerRebootCommand } from './commands/reboot.js';
import { transactionHooks } from './hooks.js';

export function registerExtensionCommands(program: Command, ctx: () => CliContext): void {
  registerShowCommand(program, ctx);
  registerDiffCommand(program, ctx);
  registerBootCommands(program, async () => {
    const c = ctx();
    const system = await c.system();
    return {
      system,
      transact: async (request) => {
        const outcome = await runTransaction(system, {
          description: c.options.description ?? request.description,
          commandLine: ['transactional-update', ...c.argv],
          ...(c.options.continue !== undefined ? { continueFrom: c.options.continue } : {}),
          dropIfNoChange: c.options.dropIfNoChange,
          keep: c.options.keep,
          interactive: false,
          steps: request.steps,
          output: c.options.json ? 'stderr' : 'inherit',
        }, transactionHooks(c));
        return { number: outcome.number };
      },
    };
  });
  registerRebootCommand(program, ctx);
  registerFleetCommand(program);
}
