/**
 * Holders against a real etcd: deadlines and dead nodes, failed boots, airlock's key format,
 * shared identities, the slot count's one authority, and an unreachable etcd.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';
import { groupKeys } from '../../../src/reboot/fleet/etcd/keys.js';
import { freePort, startEtcd, type EtcdServer } from './support/etcdServer.js';
import { buildFleetCli } from './support/fleetCli.js';
import { makeNode, readReboots, recorderCommand, type TestNode } from './support/nodes.js';

const skip = requireMachine({ commands: ['etcd', 'etcdctl'] }, 'fleet holder tests');

interface StatusJson {
  group: string;
  key: string;
  totalSlots: number | null;
  holders: Array<{ id: string; since: string | null; snapshot: number | null; deadline: string | null }>;
  reaped: string[];
}

// The cases use their own groups and nodes: they run side by side to keep the suite short.
describe.skipIf(skip)('fleet holders in etcd', { concurrent: true }, () => {
  let dir: string;
  let etcd: EtcdServer;

  beforeAll(async () => {
    dir = await makeTestDir('fleet-holders');
    await buildFleetCli();
    etcd = await startEtcd(dir);
  });

  afterAll(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function node(group: string, id: string, config: Record<string, string> = {}, log = join(dir, `${group}.log`)): TestNode {
    return makeNode({
      dir: join(dir, encodeURIComponent(group)),
      id,
      config: {
        REBOOT_LOCK: 'etcd',
        ETCD_ENDPOINTS: etcd.endpoint,
        FLEET_GROUP: group,
        REBOOT_COMMAND: recorderCommand(log, etcd.endpoint, groupKeys(group).semaphore),
        ...config,
      },
    });
  }

  async function status(observer: TestNode): Promise<{ json: StatusJson; stderr: string }> {
    const result = await observer.fleet(['status', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    return { json: JSON.parse(result.stdout) as StatusJson, stderr: result.stderr };
  }

  it('reaps a dead holder after its deadline, and the next node gets the slot', async () => {
    const group = 'deadline';
    // Long enough that the look below comes before it even on a busy machine.
    const dead = node(group, 'dead', { FLEET_DEADLINE: '6s' });
    const taken = await dead.fleet(['pre-reboot', '--snapshot', '9']);
    expect(taken.exitCode, taken.stderr).toBe(0);
    const diedAt = Date.now();

    const before = await status(node(group, 'observer'));
    expect(before.json.holders).toEqual([
      { id: 'dead', since: expect.any(String), snapshot: 9, deadline: expect.any(String) },
    ]);
    expect(Date.parse(before.json.holders[0]!.deadline!) - Date.parse(before.json.holders[0]!.since!)).toBe(6000);

    const next = node(group, 'next', { FLEET_DEADLINE: '6s' });
    const waited = await next.fleet(['reboot-now', '--wait', '30s', '--poll-interval', '300ms']);
    expect(waited.exitCode, waited.stderr).toBe(0);
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(6000);
    expect(waited.stderr).toContain('warning: fleet: reaped dead from group deadline: its deadline passed while it held a reboot slot');
    expect(readReboots(join(dir, `${group}.log`)).map((r) => [r.id, r.holders])).toEqual([['next', ['next']]]);
  });

  it('keeps the slot of a dead holder without a deadline, shows it, and frees it with unlock', async () => {
    const group = 'no-deadline';
    const dead = node(group, 'dead');
    expect((await dead.fleet(['pre-reboot', '--snapshot', '4'])).exitCode).toBe(0);
    await sleep(2500);
    const observer = node(group, 'observer');
    const shown = await status(observer);
    expect(shown.json.holders).toEqual([{ id: 'dead', since: expect.any(String), snapshot: 4, deadline: null }]);
    expect(shown.json.reaped).toEqual([]);
    const text = await observer.fleet(['status']);
    expect(text.stdout).toMatch(/^group no-deadline: 1 reboot slots, 1 taken\nHOLDER +SINCE +SNAPSHOT +DEADLINE\ndead +\S+ +4 +none$/);

    const blocked = await observer.fleet(['pre-reboot']);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toContain('no free reboot slot in etcd group no-deadline');
    expect(blocked.stderr).toContain('all 1 slots are taken (dead)');

    const unlocked = await observer.fleet(['unlock', 'dead']);
    expect(unlocked.stdout).toBe('unlocked dead in group no-deadline');
    expect((await status(observer)).json.holders).toEqual([]);
    expect(await etcd.etcdctl(['get', '--prefix', '--keys-only', 'transactional-update/fleet/no-deadline/'])).toBe('');
  });

  it('keeps the slot through a failed boot and releases it after the healthy rolled-back boot', async () => {
    const group = 'health';
    const sick = node(group, 'sick');
    // The verdict of the boot before the reboot must not count.
    sick.writeHealth({ snapshot: 4, status: 'pass', fallback: false, at: new Date(Date.now() - 3600_000).toISOString() });
    expect((await sick.fleet(['reboot-now', '--snapshot', '5'])).exitCode).toBe(0);

    const stale = await sick.fleet(['steady-state']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toMatch(/keeping the reboot slot of sick: the last health check \(.*\) ran before the slot was taken/);

    sick.writeHealth({ snapshot: 5, status: 'fail', fallback: false });
    const failed = await sick.fleet(['steady-state']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(
      'transactional-update: keeping the reboot slot of sick: the boot of snapshot 5 failed its health check; the slot stays taken until a healthy (rolled-back) boot',
    );
    const other = node(group, 'other');
    expect((await other.fleet(['pre-reboot'])).exitCode).toBe(1);
    expect((await status(other)).json.holders.map((h) => h.id)).toEqual(['sick']);

    sick.writeHealth({ snapshot: 4, status: 'pass', fallback: true });
    const healed = await sick.fleet(['steady-state']);
    expect(healed.exitCode, healed.stderr).toBe(0);
    expect(healed.stdout).toBe('released the reboot slot of sick after a healthy boot');
    expect((await status(other)).json.holders).toEqual([]);
    expect(existsSync(join(sick.stateDir, 'fleet-slot.json'))).toBe(false);
  });

  it("writes airlock's key and value exactly, for a group name that needs escaping", async () => {
    const group = 'web servers/eu+1 ü';
    const key = 'com.coreos.airlock/groups/web+servers%2Feu%2B1+%C3%BC/v1/semaphore';
    expect(groupKeys(group).semaphore).toBe(key);
    for (const id of ['node-ü', 'Zeta', 'alpha']) {
      const n = node(group, id, { FLEET_SLOTS: '3' });
      expect((await n.fleet(['lock'])).exitCode).toBe(0);
    }
    // Byte order, as Go's sort.Strings: "Z" < "a" < "n", no spaces, no other fields.
    expect(await etcd.etcdctl(['get', '--print-value-only', key])).toBe('{"total_slots":3,"holders":["Zeta","alpha","node-ü"]}');
    const observer = node(group, 'observer');
    expect((await status(observer)).json).toMatchObject({ group, key, totalSlots: 3 });
    for (const id of ['node-ü', 'Zeta', 'alpha']) expect((await node(group, id).fleet(['release'])).exitCode).toBe(0);
    expect(await etcd.etcdctl(['get', '--print-value-only', key])).toBe('{"total_slots":3,"holders":[]}');
  });

  it('shares the slots with holders airlock wrote, and leaves them alone', async () => {
    const group = 'mixed';
    const key = groupKeys(group).semaphore;
    // What airlock writes for a Zincati node (json.Marshal of its Semaphore struct).
    await etcd.etcdctl(['put', key, '{"total_slots":2,"holders":["zincati-1"]}']);
    const ours = node(group, 'ours');
    expect((await ours.fleet(['lock'])).exitCode).toBe(0);
    const blocked = await node(group, 'late').fleet(['lock']);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toContain('all 2 slots are taken (ours, zincati-1)');
    const text = await ours.fleet(['status']);
    expect(text.stdout).toMatch(/\nzincati-1 +- +- +- \(not ours\)$/);
    expect((await ours.fleet(['release'])).exitCode).toBe(0);
    expect(await etcd.etcdctl(['get', '--print-value-only', key])).toBe('{"total_slots":2,"holders":["zincati-1"]}');
  });

  it('refuses a second machine with the same id while the first holds the slot', async () => {
    const group = 'twins';
    const first = node(group, 'twin');
    const second = makeNode({ dir: join(dir, 'twins-second'), id: 'twin', config: { REBOOT_LOCK: 'etcd', ETCD_ENDPOINTS: etcd.endpoint, FLEET_GROUP: group, FLEET_SLOTS: '2' } });
    expect((await first.fleet(['lock'])).exitCode).toBe(0);
    const refused = await second.fleet(['pre-reboot']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      'transactional-update: node id twin already holds a reboot slot in group twins for another machine (another instance token): two machines share this id',
    );
    const notReleased = await second.fleet(['release']);
    expect(notReleased.exitCode).toBe(1);
    expect(notReleased.stderr).toContain('belongs to another machine with the same id; not releasing it');
    // The first machine's own second attempt is recursive, as airlock's.
    expect((await first.fleet(['lock'])).stdout).toBe('already holds a reboot slot in group twins');
    expect((await first.fleet(['release'])).exitCode).toBe(0);
    expect((await second.fleet(['lock'])).exitCode).toBe(0);
  });

  it('keeps the slot count in etcd: a disagreeing node warns and does not change it; fleet slots does', async () => {
    const group = 'slots';
    const key = groupKeys(group).semaphore;
    expect((await node(group, 'first', { FLEET_SLOTS: '2' }).fleet(['lock'])).exitCode).toBe(0);
    const other = node(group, 'other', { FLEET_SLOTS: '5' });
    const warned = await other.fleet(['lock']);
    expect(warned.exitCode).toBe(0);
    expect(warned.stderr).toContain(
      "warning: FLEET_SLOTS=5 in the configuration, but group slots has 2 slots in etcd; etcd's value counts (change it with 'transactional-update fleet slots N')",
    );
    expect(JSON.parse(await etcd.etcdctl(['get', '--print-value-only', key]))).toEqual({ total_slots: 2, holders: ['first', 'other'] });
    const set = await other.fleet(['slots', '1']);
    expect(set.stdout).toBe('group slots has 1 reboot slots (was 2; 2 taken)');
    expect(JSON.parse(await etcd.etcdctl(['get', '--print-value-only', key]))).toEqual({ total_slots: 1, holders: ['first', 'other'] });
    // Holders above the new count drain: nobody new gets in until fewer than 1 hold.
    expect((await node(group, 'third').fleet(['lock'])).exitCode).toBe(1);
  });

  it('gives the slot back when the reboot command itself fails', async () => {
    const group = 'failed-reboot';
    const n = node(group, 'stuck', { REBOOT_COMMAND: 'false' });
    const result = await n.fleet(['reboot-now']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('warning: fleet: the reboot failed (false failed (exit 1)); giving the slot back');
    expect(JSON.parse(await etcd.etcdctl(['get', '--print-value-only', groupKeys(group).semaphore]))).toEqual({ total_slots: 1, holders: [] });
    expect(existsSync(join(n.stateDir, 'fleet-slot.json'))).toBe(false);
  });

  it('never reboots when etcd cannot be reached, and says so in one line', async () => {
    const port = await freePort();
    const log = join(dir, 'unreachable.log');
    const lonely = makeNode({
      dir: join(dir, 'unreachable'),
      id: 'lonely',
      config: { REBOOT_LOCK: 'etcd', ETCD_ENDPOINTS: `http://127.0.0.1:${port}`, REBOOT_COMMAND: recorderCommand(log, etcd.endpoint, 'x') },
    });
    const once = await lonely.fleet(['reboot-now']);
    expect(once.exitCode).toBe(1);
    expect(once.stderr).toBe(
      `transactional-update: cannot reach etcd at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (no reboot without a slot; the next run tries again)`,
    );
    const waited = await lonely.fleet(['reboot-now', '--wait', '2s', '--poll-interval', '300ms']);
    expect(waited.exitCode).toBe(1);
    expect(waited.stderr).toMatch(/warning: cannot reach etcd .*; trying again\n/);
    expect(existsSync(log)).toBe(false);
  });
});
