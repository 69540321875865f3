/** Commands contributed by other modules (manifest, boot, fleet), wired in one place. */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerBootCommands } from './commands/boot.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerShowCommand } from './commands/show.js';
import { registerRebootCommand } from './commands/reboot.js';
import { systemSettings } from './settings.js';

/**
 * The fleet commands load etcd's gRPC client, which costs more than Node's own start: they are
 * loaded only when the command line asks for them (or for the whole help).
 */
export async function registerExtensionCommands(program: Command, ctx: () => CliContext, command: string | undefined): Promise<void> {
  registerShowCommand(program, ctx);
  registerDiffCommand(program, ctx);
  registerBootCommands(program, async () => {
    const c = ctx();
    const system = await c.system();
    return {
      system,
      transact: async (request) => {
        const [{ runTransaction }, { transactionHooks }] = await Promise.all([
          import('../transaction/transaction.js'),
          import('./hooks.js'),
        ]);
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
  // After a healthy boot, a fleet node gives its reboot slot back (src/reboot/fleet decides
  // from the health result the check just wrote; a failed check keeps the slot).
  program.commands.find((c) => c.name() === 'health-check')?.hook('postAction', async () => {
    const { afterBoot, fleetSettings, openFleetNode } = await import('../reboot/fleet/index.js');
    const c = ctx();
    const system = await c.system();
    const node = openFleetNode(fleetSettings(systemSettings(system.root, c.options.config).config), system.stateDir);
    if (!node) return;
    try {
      const outcome = await afterBoot(node, {});
      if (outcome.kind === 'released') c.note(`Released the fleet reboot slot of ${node.id} in group ${node.group}.`);
      else if (outcome.kind === 'kept') c.note(`Keeping the fleet reboot slot: ${outcome.reason}`);
    } finally {
      node.lock.close();
    }
  });
  if (command === undefined || command === 'fleet' || command === 'help') {
    const { registerFleetCommand } = await import('./commands/fleet.js');
    registerFleetCommand(program);
  } else {
    program.command('fleet').description('coordinate reboots across a fleet: never more than N machines at once');
  }
}
