/**
 * Many nodes through a reboot cycle against a real etcd, each node a separate process of the
 * real CLI: take a slot (waiting), "reboot" (record-reboot.sh), "boot" (a passing health
 * check), give the slot back.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';
import { groupKeys } from '../../../src/reboot/fleet/etcd/keys.js';
import { startEtcd, type EtcdServer } from './support/etcdServer.js';
import { buildFleetCli } from './support/fleetCli.js';
import { semaphoreHistory, watchSemaphore } from './support/history.js';
import { makeNode, readReboots, recorderCommand, type TestNode } from './support/nodes.js';

const skip = requireMachine({ commands: ['etcd', 'etcdctl'] }, 'fleet cycle tests');

describe.skipIf(skip)('a fleet rebooting through etcd', () => {
  let dir: string;
  let etcd: EtcdServer;

  beforeAll(async () => {
    dir = await makeTestDir('fleet-cycle');
    await buildFleetCli();
    etcd = await startEtcd(dir);
  });

  afterAll(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function fleetNodes(group: string, count: number, log: string): TestNode[] {
    return Array.from({ length: count }, (_, i) =>
      makeNode({
        dir: join(dir, group),
        id: `node-${String(i).padStart(2, '0')}`,
        config: {
          REBOOT_LOCK: 'etcd',
          ETCD_ENDPOINTS: etcd.endpoint,
          FLEET_GROUP: group,
          FLEET_SLOTS: '2',
          REBOOT_COMMAND: recorderCommand(log, etcd.endpoint, groupKeys(group).semaphore),
        },
      }),
    );
  }

  /** One node's whole cycle; returns what went wrong, if anything. */
  async function cycle(node: TestNode): Promise<string[]> {
    const problems: string[] = [];
    const reboot = await node.fleet(['reboot-now', '--wait', '150s', '--poll-interval', '200ms', '--snapshot', '2']);
    if (reboot.exitCode !== 0) problems.push(`${node.id} reboot-now exit ${reboot.exitCode}: ${reboot.stderr}`);
    await sleep(150); // the boot
    node.writeHealth({ snapshot: 2, status: 'pass', fallback: false });
    const steady = await node.fleet(['steady-state', '--wait', '150s', '--poll-interval', '200ms']);
    if (steady.exitCode !== 0 || !/released the reboot slot/.test(steady.stdout)) {
      problems.push(`${node.id} steady-state exit ${steady.exitCode}: ${steady.stdout} ${steady.stderr}`);
    }
    return problems;
  }

  it('takes 20 nodes in separate processes through a reboot each, never more than 2 at once', async () => {
    const group = 'twenty';
    const log = join(dir, 'twenty-reboots.log');
    const nodes = fleetNodes(group, 20, log);
    const key = groupKeys(group).semaphore;
    const watch = await watchSemaphore(etcd.endpoint, key);

    const problems = (await Promise.all(nodes.map(cycle))).flat();
    const seen = await watch.stop();

    expect(problems).toEqual([]);
    const reboots = readReboots(log);
    expect(reboots.map((r) => r.id).sort()).toEqual(nodes.map((n) => n.id));
    for (const reboot of reboots) expect(reboot.holders, `${reboot.id} rebooted without its slot`).toContain(reboot.id);
    expect(seen.length).toBeGreaterThanOrEqual(40);
    expect(Math.max(...seen.map((v) => v.holders.length))).toBe(2);
    const history = await semaphoreHistory(etcd.endpoint, key);
    expect(Math.max(...history.map((v) => v.holders.length))).toBeLessThanOrEqual(2);
    expect(history.at(-1)).toEqual({ total_slots: 2, holders: [] });
  });

  it('carries on through an etcd restart in the middle of the cycle without losing or doubling a slot', async () => {
    const group = 'restart';
    const log = join(dir, 'restart-reboots.log');
    const nodes = fleetNodes(group, 8, log);
    const key = groupKeys(group).semaphore;

    const running = Promise.all(nodes.map(cycle));
    while (readReboots(log).length < 3) await sleep(50);
    await etcd.stop();
    await sleep(2000);
    await etcd.start();
    const problems = (await running).flat();

    expect(problems).toEqual([]);
    const reboots = readReboots(log);
    expect(reboots.map((r) => r.id).sort()).toEqual(nodes.map((n) => n.id));
    for (const reboot of reboots) expect(reboot.holders, `${reboot.id} rebooted without its slot`).toContain(reboot.id);
    const history = await semaphoreHistory(etcd.endpoint, key);
    expect(Math.max(...history.map((v) => v.holders.length))).toBe(2);
    expect(history.at(-1)).toEqual({ total_slots: 2, holders: [] });
  });
});
