/**
 * `health-check` (run at boot): check the booted snapshot, fall back to the known-good one
 * when it fails. After a healthy boot a fleet node gives its reboot slot back
 * (src/reboot/fleet decides from the health result the check just wrote).
 */
import type { Command } from 'commander';
import { TuError } from '../../errors.js';
import { escapeControl } from '../../util/escape.js';
import type { CliContext } from '../context.js';
import { systemSettings } from '../settings.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('health-check')
    .description('check the booted snapshot; fall back to the known-good one when it fails (run at boot)')
    .option('--no-reboot', 'never restart the machine; only record and repoint')
    .action(async (opts: { reboot: boolean }) => {
      const c = ctx();
      const system = await c.system();
      const { healthCheck } = await import('../../boot/index.js');
      const outcome = await healthCheck(system, {
        reboot: async () => {
          if (!opts.reboot) return;
          const { performReboot } = await import('../../reboot/perform.js');
          await performReboot(
            { method: 'systemd', mechanism: 'reboot', reason: 'the health check failed' },
            { root: system.root, snapshot: undefined, level: 'reboot' },
          );
        },
      });
      for (const check of outcome.checks) c.print(escapeControl(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.message}`));
      if (outcome.status === 'fail') {
        throw new TuError(outcome.message, outcome.safeState ? { hint: 'fix the failing check, then run transactional-update health-check again' } : {});
      }
      c.print(escapeControl(outcome.message));
      await giveBackFleetSlot(c);
    });
}

async function giveBackFleetSlot(c: CliContext): Promise<void> {
  const system = await c.system();
  const { fleetSettings } = await import('../../reboot/fleet/settings.js');
  const settings = fleetSettings(systemSettings(system.root, c.options.config).config);
  // Without a fleet lock the etcd client (gRPC) is never loaded.
  if (settings.lock === 'none') return;
  const { afterBoot, openFleetNode } = await import('../../reboot/fleet/index.js');
  const node = openFleetNode(settings, system.stateDir);
  if (!node) return;
  try {
    const outcome = await afterBoot(node, {});
    if (outcome.kind === 'released') c.note(`Released the fleet reboot slot of ${node.id} in group ${node.group}.`);
    else if (outcome.kind === 'kept') c.note(`Keeping the fleet reboot slot: ${outcome.reason}`);
  } finally {
    node.lock.close();
  }
}
