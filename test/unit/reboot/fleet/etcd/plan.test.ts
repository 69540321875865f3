/**
 * The decisions, fed the state of a real etcd (fixtures/fleet/etcd-group-state.json, recorded
 * by fixtures/fleet/generate/record-etcd-state.sh): holders alive, expired (its deadline
 * lease gone), without a deadline, and one written by airlock without our details.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expiredHolders, groupStateFromKvs, type EtcdKv, type GroupState } from '../../../../../src/reboot/fleet/etcd/groupState.js';
import { groupKeys } from '../../../../../src/reboot/fleet/etcd/keys.js';
import { planAcquire, planRelease, planReap, planSlots } from '../../../../../src/reboot/fleet/etcd/plan.js';

interface RecordedKv {
  key: string;
  value: string;
  version: number;
  mod_revision: number;
}

function recordedState(): GroupState {
  const dump = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../../../fixtures/fleet/etcd-group-state.json'), 'utf8')) as { kvs: RecordedKv[] };
  const kvs: EtcdKv[] = dump.kvs.map((kv) => ({
    key: Buffer.from(kv.key, 'base64').toString('utf8'),
    value: Buffer.from(kv.value, 'base64').toString('utf8'),
    version: String(kv.version),
    modRevision: String(kv.mod_revision),
  }));
  const keys = groupKeys('recorded');
  return groupStateFromKvs(
    'recorded',
    kvs.find((kv) => kv.key === keys.semaphore),
    kvs.filter((kv) => kv.key.startsWith(keys.holdersPrefix)),
    kvs.filter((kv) => kv.key.startsWith(keys.deadlinesPrefix)).map((kv) => kv.key),
  );
}

const TOKEN = { alive: '27b1954586abf329d87284bf120fd63d', expired: 'd3cf64b88ce4bbe13f465abe821b2f08', nodeadline: 'dba6510dceab85cce7145ef25fc5736b' };

function state(overrides: Partial<GroupState>): GroupState {
  return { group: 'g', semaphore: undefined, version: '0', holders: new Map(), deadlinesAlive: new Set(), ...overrides };
}

const take = { token: 'mine', configuredSlots: 2, slotsExplicit: false };

describe('the recorded group', () => {
  it('reads holders, deadlines and the version from etcd', () => {
    const s = recordedState();
    expect(s.semaphore).toEqual({ totalSlots: 5, holders: ['alive', 'expired', 'nodeadline', 'zincati-7'] });
    expect(s.version).toBe('4');
    expect([...s.holders.keys()].sort()).toEqual(['alive', 'expired', 'nodeadline']);
    expect([...s.deadlinesAlive]).toEqual(['alive']);
  });

  it('finds only the holder whose deadline lease expired (never an airlock holder or one without a deadline)', () => {
    expect(expiredHolders(recordedState())).toEqual(['expired']);
  });

  it('reaps the expired holder in the same write that takes a slot', () => {
    const plan = planAcquire(recordedState(), { ...take, id: 'newcomer' });
    expect(plan.outcome).toBe('taken');
    expect(plan.reaped).toEqual(['expired']);
    expect(plan.next).toEqual({ totalSlots: 5, holders: ['alive', 'newcomer', 'nodeadline', 'zincati-7'] });
    expect(plan.writeHolder).toBe(true);
  });

  it('is recursive for a holder with its own token, and refuses a twin with another token', () => {
    expect(planAcquire(recordedState(), { ...take, id: 'alive', token: TOKEN.alive })).toMatchObject({ outcome: 'already-held', writeHolder: false });
    expect(planAcquire(recordedState(), { ...take, id: 'alive', token: 'other' })).toMatchObject({ outcome: 'duplicate', writeHolder: false });
  });

  it('adopts a slot airlock gave the same id, writing our details', () => {
    expect(planAcquire(recordedState(), { ...take, id: 'zincati-7' })).toMatchObject({ outcome: 'already-held', writeHolder: true });
  });

  it('lets an expired holder take its slot again (reaped and taken in one write)', () => {
    const plan = planAcquire(recordedState(), { ...take, id: 'expired', token: TOKEN.expired });
    expect(plan).toMatchObject({ outcome: 'taken', reaped: ['expired'], writeHolder: true });
    expect(plan.next?.holders).toContain('expired');
  });

  it('warns about a configured slot count that differs, and keeps etcd\'s', () => {
    const plan = planAcquire(recordedState(), { ...take, id: 'n', configuredSlots: 2, slotsExplicit: true });
    expect(plan.slotMismatch).toEqual({ configured: 2, actual: 5 });
    expect(plan.next?.totalSlots).toBe(5);
    expect(planAcquire(recordedState(), { ...take, id: 'n', configuredSlots: 2, slotsExplicit: false }).slotMismatch).toBeUndefined();
  });

  it('releases only with the holder\'s token, or by force', () => {
    expect(planRelease(recordedState(), { id: 'nodeadline', token: 'other', force: false })).toMatchObject({ outcome: 'foreign', next: undefined });
    const own = planRelease(recordedState(), { id: 'nodeadline', token: TOKEN.nodeadline, force: false });
    expect(own).toMatchObject({ outcome: 'released', deleteHolder: true, reaped: ['expired'] });
    expect(own.next).toEqual({ totalSlots: 5, holders: ['alive', 'zincati-7'] });
    expect(planRelease(recordedState(), { id: 'zincati-7', token: undefined, force: true }).next?.holders).toEqual(['alive', 'nodeadline']);
  });

  it('reaps on a look, and changes the slot count keeping the holders', () => {
    expect(planReap(recordedState())?.next).toEqual({ totalSlots: 5, holders: ['alive', 'nodeadline', 'zincati-7'] });
    expect(planSlots(recordedState(), 1)).toEqual({
      reaped: ['expired'],
      next: { totalSlots: 1, holders: ['alive', 'nodeadline', 'zincati-7'] },
      previous: 5,
    });
  });
});

describe('small groups', () => {
  it('creates the semaphore with the configured slots on the first take', () => {
    const plan = planAcquire(state({}), { ...take, id: 'a' });
    expect(plan).toMatchObject({ outcome: 'taken', next: { totalSlots: 2, holders: ['a'] }, slotMismatch: undefined });
  });

  it('creates the semaphore even when it has no slot to give (FLEET_SLOTS=0)', () => {
    expect(planAcquire(state({}), { ...take, configuredSlots: 0, id: 'a' })).toMatchObject({ outcome: 'full', next: { totalSlots: 0, holders: [] } });
  });

  it('is full at the slot count, and writes nothing then', () => {
    const full = state({ semaphore: { totalSlots: 2, holders: ['a', 'b'] }, version: '7' });
    expect(planAcquire(full, { ...take, id: 'c' })).toMatchObject({ outcome: 'full', next: undefined, writeHolder: false, reaped: [] });
  });

  it('says not-held for an id that holds nothing', () => {
    expect(planRelease(state({}), { id: 'a', token: 't', force: false })).toMatchObject({ outcome: 'not-held', next: undefined, deleteHolder: false });
    const other = state({ semaphore: { totalSlots: 2, holders: ['b'] }, version: '3' });
    expect(planRelease(other, { id: 'a', token: 't', force: false })).toMatchObject({ outcome: 'not-held', next: undefined });
  });
});
