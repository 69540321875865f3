/**
 * transactional-update fleet …: the fleet's reboot slots. A thin layer: it gathers the
 * node's settings (a configuration file, a state directory and an id can be given
 * explicitly, so no Btrfs root is needed) and calls src/reboot/fleet.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type ConfigValues } from '../../config/load.js';
import { parseDurationMs } from '../../config/duration.js';
import { TuError, UsageError } from '../../errors.js';
import { escapeControl } from '../../util/escape.js';
import { run } from '../../util/exec.js';
import type { EtcdFleetLock, GroupStatus } from '../../reboot/fleet/etcd/etcdLock.js';
import { readMachineId } from '../../reboot/fleet/identity.js';
import { openFleetNode } from '../../reboot/fleet/node.js';
import { openEtcdLock } from '../../reboot/fleet/openLock.js';
import { afterBoot, takeSlotAndReboot, type FleetNode, type WaitOptions } from '../../reboot/fleet/rebootCycle.js';
import { fleetSettings, type FleetSettings } from '../../reboot/fleet/settings.js';
import { removeSlotRecord } from '../../reboot/fleet/slotRecord.js';
import { writeStdout } from '../../util/stdout.js';

const DEFAULT_STATE_DIR = '/var/lib/transactional-update';

interface FleetOptions {
  root?: string;
  config?: string;
  stateDir?: string;
  nodeId?: string;
  json?: boolean;
  wait?: string;
  pollInterval?: string;
  snapshot?: string;
}

interface FleetContext {
  config: ConfigValues;
  settings: FleetSettings;
  stateDir: string;
  options: FleetOptions;
}

export function define(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('coordinate reboots across a fleet: never more than N machines at once')
    .option('--config <file>', 'read only this configuration file')
    .option('--state-dir <dir>', `the node's state directory (default ${DEFAULT_STATE_DIR})`)
    .option('--node-id <id>', "this node's id in the fleet (default FLEET_NODE_ID, else derived from /etc/machine-id)");

  fleet
    .command('status')
    .description("show the group's slots and who holds them")
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      await withEtcd(ctx, async (lock) => printStatus(await lock.status(), ctx.options.json === true));
    });

  fleet
    .command('lock')
    .description('take a reboot slot for this node now (without rebooting)')
    .option('--wait <duration>', 'keep trying this long for a free slot')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      await withNode(ctx, async (node) => {
        const result = await takeSlotAndReboot(node, { ...waitOptions(ctx.options), snapshot: null, reboot: async () => {} });
        if (result.kind === 'no-slot') throw noSlot(node, result.reason);
        print(result.outcome === 'taken' ? `took a reboot slot in group ${shown(node.group)}` : `already holds a reboot slot in group ${shown(node.group)}`);
      });
    });

  fleet
    .command('release')
    .description("give this node's reboot slot back (without waiting for a health check)")
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      await withNode(ctx, async (node) => {
        const result = await node.lock.giveBack({ id: node.id, token: node.token });
        removeSlotRecord(node.stateDir);
        print(result.outcome === 'released' ? `released the reboot slot of ${shown(node.id)}` : `${shown(node.id)} holds no reboot slot`);
      });
    });

  fleet
    .command('unlock <id>')
    .description("take the reboot slot away from a node that will not give it back (a dead machine)")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      await withEtcd(ctx, async (lock) => {
        const plan = await lock.release({ id, token: undefined, force: true });
        print(plan.outcome === 'released' ? `unlocked ${shown(id)} in group ${shown(ctx.settings.group)}` : `${shown(id)} holds no reboot slot in group ${shown(ctx.settings.group)}`);
      });
    });

  fleet
    .command('slots <count>')
    .description("set the group's number of reboot slots (the value in etcd is the one authority)")
    .action(async (count: string, _opts: unknown, cmd: Command) => {
      if (!/^\d{1,6}$/.test(count)) throw new UsageError(`slots: expected a whole number, got ${JSON.stringify(escapeControl(count))}`);
      const ctx = context(cmd);
      await withEtcd(ctx, async (lock) => {
        const plan = await lock.setSlots(Number(count));
        const before = plan.previous === undefined ? 'new group' : `was ${plan.previous}`;
        print(`group ${shown(ctx.settings.group)} has ${plan.next.totalSlots} reboot slots (${before}; ${plan.next.holders.length} taken)`);
      });
    });

  fleet
    .command('pre-reboot', { hidden: true })
    .description('the reboot path: take a slot before rebooting')
    .option('--wait <duration>', 'keep trying this long (the rest of the maintenance window)')
    .option('--poll-interval <duration>', 'pause between attempts', '10s')
    .option('--snapshot <n>', 'the snapshot the node reboots into')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      await withNode(ctx, async (node) => {
        const result = await takeSlotAndReboot(node, { ...waitOptions(ctx.options), snapshot: snapshotOption(ctx.options), reboot: async () => {} });
        if (result.kind === 'no-slot') throw noSlot(node, result.reason);
        print(`holding a reboot slot in group ${shown(node.group)}`);
      });
    });

  fleet
    .command('steady-state', { hidden: true })
    .description('the post-boot step: give the slot back once the health check says this boot is healthy')
    .option('--wait <duration>', 'keep waiting this long for a healthy check')
    .option('--poll-interval <duration>', 'pause between attempts', '10s')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      await withNode(ctx, async (node) => {
        const result = await afterBoot(node, waitOptions(ctx.options));
        if (result.kind === 'kept') {
          throw new TuError(`keeping the reboot slot of ${shown(node.id)}: ${result.reason}`, {
            hint: 'the slot is released after a healthy boot',
          });
        }
        print(result.kind === 'released' ? `released the reboot slot of ${shown(node.id)} after a healthy boot` : `${shown(node.id)} holds no reboot slot`);
      });
    });

  fleet
    .command('reboot-now', { hidden: true })
    .description('take a slot and run REBOOT_COMMAND (tests and the command reboot method)')
    .option('--wait <duration>', 'keep trying this long for a free slot')
    .option('--poll-interval <duration>', 'pause between attempts', '10s')
    .option('--snapshot <n>', 'the snapshot the node reboots into')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const argv = (ctx.config.values.REBOOT_COMMAND ?? '').split(/\s+/).filter(Boolean);
      const [file, ...args] = argv;
      if (file === undefined) throw new TuError('REBOOT_COMMAND is not set', { hint: 'set REBOOT_COMMAND in the configuration' });
      await withNode(ctx, async (node) => {
        const result = await takeSlotAndReboot(node, {
          ...waitOptions(ctx.options),
          snapshot: snapshotOption(ctx.options),
          reboot: async () => {
            await run(file, args, { env: { FLEET_NODE_ID: node.id, FLEET_GROUP: node.group } });
          },
        });
        if (result.kind === 'no-slot') throw noSlot(node, result.reason);
        print(`rebooted holding a slot in group ${shown(node.group)}`);
      });
    });
}

/**
 * Option values from the program down to this subcommand, the nearest given value winning
 * (commander's optsWithGlobals lets the program's defaults, such as --json false, win).
 */
function nearestOptions(cmd: Command): FleetOptions {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) if (value !== undefined) merged[key] = value;
  }
  return merged as FleetOptions;
}

function context(cmd: Command): FleetContext {
  const options = nearestOptions(cmd);
  const root = options.root ?? '/';
  const config = loadConfig({ root, ...(options.config !== undefined ? { file: options.config } : {}) });
  const settings = fleetSettings(config, { machineId: readMachineId(join(root, 'etc/machine-id')) });
  if (options.nodeId !== undefined) {
    if (options.nodeId === '' || /[\s\u0000-\u001f\u007f-\u009f]/.test(options.nodeId)) {
      throw new UsageError(`--node-id: ${JSON.stringify(escapeControl(options.nodeId))} is not a usable id (empty, white space or control characters)`);
    }
    settings.nodeId = options.nodeId;
  }
  const stateDir = options.stateDir ?? join(root, DEFAULT_STATE_DIR);
  return { config, settings, stateDir, options };
}

async function withEtcd(ctx: FleetContext, action: (lock: EtcdFleetLock) => Promise<void>): Promise<void> {
  const lock = openEtcdLock(ctx.settings);
  try {
    await action(lock);
  } finally {
    lock.close();
  }
}

async function withNode(ctx: FleetContext, action: (node: FleetNode) => Promise<void>): Promise<void> {
  const node = openFleetNode(ctx.settings, ctx.stateDir);
  if (!node) {
    throw new TuError('no fleet lock is configured (REBOOT_LOCK=none)', { hint: 'set REBOOT_LOCK=etcd or REBOOT_LOCK=fleetlock' });
  }
  try {
    await action(node);
  } finally {
    node.lock.close();
  }
}

function waitOptions(options: FleetOptions): WaitOptions {
  const wait = options.wait === undefined ? undefined : durationOption('--wait', options.wait);
  const poll = options.pollInterval === undefined ? undefined : durationOption('--poll-interval', options.pollInterval);
  return {
    ...(wait !== undefined ? { until: new Date(Date.now() + wait) } : {}),
    ...(poll !== undefined ? { pollIntervalMs: poll } : {}),
  };
}

function durationOption(name: string, text: string): number {
  // Sub-second polling keeps the fleet tests short; the configuration keys take whole units.
  const ms = /^\d+ms$/.test(text) ? Number(text.slice(0, -2)) : parseDurationMs(text);
  if (ms === undefined) throw new UsageError(`${name}: expected a duration such as 90s, 30m or 2h, got ${JSON.stringify(escapeControl(text))}`);
  return ms;
}

function snapshotOption(options: FleetOptions): number | null {
  if (options.snapshot === undefined) return null;
  if (!/^\d{1,9}$/.test(options.snapshot)) throw new UsageError(`--snapshot: expected a snapshot number, got ${JSON.stringify(escapeControl(options.snapshot))}`);
  return Number(options.snapshot);
}

function noSlot(node: FleetNode, reason: string): TuError {
  return new TuError(`no free reboot slot in ${node.lock.description}: ${escapeControl(reason)}`, {
    hint: 'not rebooting; the next run tries again',
  });
}

function printStatus(status: GroupStatus, json: boolean): void {
  if (json) {
    const holders = status.holders.map((h) => ({
      id: h.id,
      since: h.details?.since ?? null,
      snapshot: h.details?.snapshot ?? null,
      deadline: h.details?.deadline ?? null,
    }));
    writeStdout(`${JSON.stringify({ group: status.group, key: status.semaphoreKey, totalSlots: status.totalSlots ?? null, holders, reaped: status.reaped }, null, 2)}\n`);
    return;
  }
  if (status.totalSlots === undefined) {
    print(`group ${shown(status.group)}: not created yet (the first node to take a slot creates it)`);
    return;
  }
  print(`group ${shown(status.group)}: ${status.totalSlots} reboot slots, ${status.holders.length} taken`);
  if (status.holders.length === 0) return;
  const rows = [
    ['HOLDER', 'SINCE', 'SNAPSHOT', 'DEADLINE'],
    ...status.holders.map((h) => [
      shown(h.id),
      h.details?.since ?? '-',
      h.details?.snapshot != null ? String(h.details.snapshot) : '-',
      h.details ? (h.details.deadline ?? 'none') : '- (not ours)',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) print(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  for (const id of status.reaped) print(`reaped ${shown(id)}: its deadline passed`);
}

function shown(text: string): string {
  return escapeControl(text);
}

function print(line: string): void {
  writeStdout(`${line}\n`);
}
