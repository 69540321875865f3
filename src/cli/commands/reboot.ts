/**
 * `reboot [--if-needed]`: decide (pure, src/reboot/decide.ts) from the pending snapshot, the
 * maintenance windows and the method, take a fleet slot when a lock is configured, then act.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { resolveSettings } from '../../config/settings.js';
import { TuError } from '../../errors.js';
import { decideReboot, type RebootDecision } from '../../reboot/decide.js';
import { gatherRebootFacts } from '../../reboot/facts.js';
import { fleetSettings, openFleetNode, takeSlotAndReboot } from '../../reboot/fleet/index.js';
import { performReboot } from '../../reboot/perform.js';
import { seededRandom } from '../../reboot/random.js';
import { markSignalled, pendingFromState, readPendingReboot } from '../../reboot/state.js';
import { formatInZone } from '../../reboot/timezone.js';
import { defaultSnapshot } from '../../snapshots/system.js';
import { log } from '../../util/log.js';
import type { CliContext } from '../context.js';

export function registerRebootCommand(program: Command, ctx: () => CliContext): void {
  program.command('reboot')
    .option('--if-needed', 'only when a new snapshot is pending, and only inside a maintenance window')
    .description('reboot into the next snapshot by the configured method (REBOOT_METHOD)')
    .action(async (opts: { ifNeeded?: boolean }) => rebootCommand(ctx(), Boolean(opts.ifNeeded)));
}

async function rebootCommand(ctx: CliContext, ifNeeded: boolean): Promise<void> {
  const system = await ctx.system();
  const config = loadConfig({ root: system.root });
  const settings = resolveSettings(config);
  const fleet = fleetSettings(config);
  const nextBoot = await defaultSnapshot(system);
  const pending = pendingFromState(readPendingReboot(system.stateDir), { booted: system.booted, nextBoot });
  const decision = decideReboot({
    now: new Date(),
    settings,
    pending,
    ifNeeded,
    // Seeded per machine and snapshot: the timer calls us often, the chosen time stays put.
    random: seededRandom(`${hostname()}:${pending?.snapshot ?? 'none'}`),
    facts: await gatherRebootFacts(),
  });
  log.step(`reboot: ${decision.reason}`);
  if (ctx.options.json) ctx.print(JSON.stringify(decisionJson(decision, settings.rebootTimeZone)));
  else ctx.note(decision.reason);
  if (decision.action !== 'reboot' || !decision.method) return;

  const method = decision.method;
  const reboot = async () => {
    await performReboot(method, {
      root: system.root,
      snapshot: pending?.snapshot,
      level: decision.level,
      rebootCommand: settings.rebootCommand,
      snapshotsFsPath: system.snapshotsFsPath,
    });
    if (pending && ['kured', 'rebootmgr', 'notify'].includes(method.mechanism)) markSignalled(system.stateDir, pending, method.mechanism);
  };
  const node = openFleetNode(fleet, system.stateDir);
  if (!node) {
    await reboot();
    return;
  }
  try {
    const until = decision.nextWindow && ifNeeded ? decision.nextWindow.end : undefined;
    const outcome = await takeSlotAndReboot(node, { ...(until ? { until } : {}), snapshot: pending?.snapshot ?? null, reboot });
    if (outcome.kind === 'no-slot') {
      throw new TuError(`no reboot slot in fleet group ${node.group}: ${outcome.reason}; not rebooting`, { hint: 'the next maintenance window tries again' });
    }
  } finally {
    node.lock.close();
  }
}

function decisionJson(d: RebootDecision, tz: string) {
  return {
    action: d.action,
    reason: d.reason,
    method: d.method?.mechanism ?? null,
    level: d.level,
    nextWindow: d.nextWindow ? { start: d.nextWindow.start.toISOString(), end: d.nextWindow.end.toISOString(), startLocal: formatInZone(d.nextWindow.start, tz) } : null,
    rebootAt: d.rebootAt?.toISOString() ?? null,
  };
}
