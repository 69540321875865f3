/**
 * `reboot [--if-needed]`: src/reboot/run.ts decides from the pending snapshot, the maintenance
 * windows and the method; a configured fleet lock wraps the restart (a slot first, never a
 * reboot without one).
 */
import { jsonLine } from '../render/json.js';
import type { Command } from 'commander';
import { TuError } from '../../errors.js';
import type { RebootDecision } from '../../reboot/decide.js';
import { defaultSnapshot } from '../../snapshots/system.js';
import { log } from '../../util/log.js';
import type { CliContext } from '../context.js';
import { systemSettings } from '../settings.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('reboot')
    .option('--if-needed', 'only when a new snapshot is pending, and only inside a maintenance window')
    .option('--full', 'a full reboot through the firmware and the boot loader, never a soft-reboot or kexec')
    .description('reboot into the next snapshot by the configured method (REBOOT_METHOD)')
    .action(async (opts: { ifNeeded?: boolean; full?: boolean }) => rebootCommand(ctx(), Boolean(opts.ifNeeded), Boolean(opts.full)));
}

async function rebootCommand(ctx: CliContext, ifNeeded: boolean, full: boolean): Promise<void> {
  const system = await ctx.system();
  const nextBoot = await defaultSnapshot(system);
  // Only a pending snapshot can be soft-rebooted into; the plan mounts the top level to read
  // GRUB's pointer, so the timer's runs with nothing pending skip it.
  let softReboot: { prepareSoftReboot?: () => Promise<() => Promise<void>>; softRebootRefusal?: string } = {};
  if (!full && nextBoot !== undefined && nextBoot !== system.booted) {
    const { planSoftReboot } = await import('../../boot/nextRoot.js');
    const plan = await planSoftReboot(system, nextBoot);
    softReboot = plan.ok ? { prepareSoftReboot: plan.prepare } : { softRebootRefusal: plan.reason };
  }
  const { config, settings } = systemSettings(system.root, ctx.options.config);
  const { fleetSettings, openFleetNode, takeSlotAndReboot } = await import('../../reboot/fleet/index.js');
  const { REBOOT_CHECK_INTERVAL_MS, runReboot } = await import('../../reboot/run.js');
  const { formatInZone } = await import('../../reboot/timezone.js');
  const node = openFleetNode(fleetSettings(config), system.stateDir);
  // Said once, before a restart (which stops this process) or when nothing restarts.
  let said = false;
  const say = (decision: RebootDecision) => {
    if (said) return;
    said = true;
    log.step(`reboot: ${decision.reason}`);
    if (ctx.options.json) ctx.print(jsonLine(decisionJson(decision, settings.rebootTimeZone, formatInZone)));
    else ctx.note(decision.reason);
  };
  try {
    const decision = await runReboot({
      root: system.root,
      stateDir: system.stateDir,
      booted: system.booted,
      nextBoot,
      snapshotsFsPath: system.snapshotsFsPath,
      settings,
      ifNeeded,
      full,
      ...softReboot,
      waitUpToMs: ifNeeded ? REBOOT_CHECK_INTERVAL_MS : 0,
      announce: say,
      ...(node
        ? {
            around: async (restart, { until, snapshot }) => {
              const outcome = await takeSlotAndReboot(node, { ...(until ? { until } : {}), snapshot: snapshot ?? null, reboot: restart });
              if (outcome.kind === 'no-slot') {
                throw new TuError(`no reboot slot in fleet group ${node.group}: ${outcome.reason}; not rebooting`, {
                  hint: 'the next maintenance window tries again',
                });
              }
            },
          }
        : {}),
    });
    say(decision);
  } finally {
    node?.lock.close();
  }
}

function decisionJson(d: RebootDecision, tz: string, formatInZone: (date: Date, zone: string) => string) {
  return {
    action: d.action,
    reason: d.reason,
    method: d.method?.mechanism ?? null,
    level: d.level,
    nextWindow: d.nextWindow ? { start: d.nextWindow.start.toISOString(), end: d.nextWindow.end.toISOString(), startLocal: formatInZone(d.nextWindow.start, tz) } : null,
    rebootAt: d.rebootAt?.toISOString() ?? null,
  };
}
