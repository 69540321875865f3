/**
 * The acting layer over etcd: read a group's state at one revision, plan (plan.ts), and
 * write the plan in one transaction guarded by the versions read; on a conflict read and
 * plan again. The semaphore, our holder details and the deadline key change together.
 */
import type { Etcd3, IKeyValue, IOperation } from 'etcd3';
import { TuError } from '../../../errors.js';
import { escapeControl } from '../../../util/escape.js';
import { log } from '../../../util/log.js';
import { groupStateFromKvs, type EtcdKv, type GroupState } from './groupState.js';
import { serializeHolder, type HolderDetails } from './holder.js';
import { groupKeys, type GroupKeys } from './keys.js';
import { planAcquire, planRelease, planReap, planSlots, type AcquirePlan, type ReleasePlan, type SlotsPlan } from './plan.js';
import type { GiveBackRequest, GiveBackResult, RebootLock, TakeRequest, TakeResult } from '../rebootLock.js';
import { serializeSemaphore, type Semaphore } from './semaphore.js';
import { etcdError } from './etcdClient.js';
import type { EtcdSettings } from '../settings.js';

const MAX_ATTEMPTS = 50;

export interface EtcdLockOptions {
  group: string;
  configuredSlots: number;
  slotsExplicit: boolean;
  deadlineSeconds: number | undefined;
  /** Clock for holder details; tests of the pure parts never need it. */
  now?: () => Date;
}

export interface HolderStatus {
  id: string;
  /** undefined for a holder without our details (taken through airlock). */
  details: HolderDetails | undefined;
}

export interface GroupStatus {
  group: string;
  semaphoreKey: string;
  /** undefined while no node has created the group yet. */
  totalSlots: number | undefined;
  holders: HolderStatus[];
  reaped: string[];
}

export class EtcdFleetLock implements RebootLock {
  readonly description: string;
  private readonly keys: GroupKeys;

  constructor(
    private readonly client: Etcd3,
    private readonly settings: EtcdSettings,
    private readonly options: EtcdLockOptions,
  ) {
    this.keys = groupKeys(options.group);
    this.description = `etcd group ${escapeControl(options.group)} at ${settings.endpoints.join(',')}`;
  }

  close(): void {
    this.client.close();
  }

  /** The group's state at one revision. */
  async readState(): Promise<GroupState> {
    return this.guard(async () => {
      const sem = await this.client.get(this.keys.semaphore).exec();
      const revision = sem.header.revision;
      const [holders, deadlines] = await Promise.all([
        this.client.getAll().prefix(this.keys.holdersPrefix).revision(revision).exec(),
        this.client.getAll().prefix(this.keys.deadlinesPrefix).revision(revision).keys(),
      ]);
      const semaphoreKv = sem.kvs[0];
      return groupStateFromKvs(this.options.group, semaphoreKv && toKv(semaphoreKv), holders.kvs.map(toKv), deadlines);
    });
  }

  async take(request: TakeRequest): Promise<TakeResult> {
    const { plan } = await this.acquire(request);
    if (plan.outcome === 'duplicate') throw duplicateIdentity(request.id, this.options.group);
    return {
      outcome: plan.outcome,
      holders: plan.result.holders,
      totalSlots: plan.result.totalSlots,
      reason: plan.outcome === 'full' ? `all ${plan.result.totalSlots} slots are taken (${plan.result.holders.join(', ')})` : undefined,
    };
  }

  /** Plan and write a take; returns the plan that was written. */
  async acquire(request: TakeRequest): Promise<{ plan: AcquirePlan; state: GroupState }> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const state = await this.readState();
      const plan = planAcquire(state, {
        id: request.id,
        token: request.token,
        configuredSlots: this.options.configuredSlots,
        slotsExplicit: this.options.slotsExplicit,
      });
      if (plan.slotMismatch) {
        log.warn(
          `FLEET_SLOTS=${plan.slotMismatch.configured} in the configuration, but group ${escapeControl(this.options.group)} has ` +
            `${plan.slotMismatch.actual} slots in etcd; etcd's value counts (change it with 'transactional-update fleet slots N')`,
        );
      }
      if (plan.outcome === 'duplicate' || (!plan.next && !plan.writeHolder)) {
        return { plan, state };
      }
      const holder: HolderDetails | undefined = plan.writeHolder
        ? { id: request.id, token: request.token, since: this.now().toISOString(), snapshot: request.snapshot, deadline: null }
        : undefined;
      if (await this.commitAcquire(state, plan, holder)) {
        this.logReaped(plan.reaped);
        if (plan.outcome === 'taken') log.step(`fleet: ${escapeControl(request.id)} took a reboot slot in group ${escapeControl(this.options.group)}`);
        return { plan, state };
      }
      log.detail(`fleet: the semaphore changed meanwhile (attempt ${attempt}); reading it again`);
    }
    throw tooManyConflicts(this.options.group);
  }

  async holds(id: string): Promise<boolean> {
    const state = await this.readState();
    return state.semaphore?.holders.includes(id) ?? false;
  }

  async giveBack(request: GiveBackRequest): Promise<GiveBackResult> {
    const plan = await this.release({ id: request.id, token: request.token, force: false });
    if (plan.outcome === 'foreign') throw foreignHolder(request.id, this.options.group);
    return { outcome: plan.outcome };
  }

  /** Give back (or with force, take away) id's slot. */
  async release(request: { id: string; token: string | undefined; force: boolean }): Promise<ReleasePlan> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const state = await this.readState();
      const plan = planRelease(state, request);
      if (plan.outcome === 'foreign' || (!plan.next && !plan.deleteHolder)) return plan;
      const extra: IOperation[] = plan.deleteHolder
        ? [this.client.delete().key(this.keys.holder(request.id)), this.client.delete().key(this.keys.deadline(request.id))]
        : [];
      const guards: Array<[string, 'Mod', string]> = plan.deleteHolder
        ? [[this.keys.holder(request.id), 'Mod', state.holders.get(request.id)?.modRevision ?? '0']]
        : [];
      if (await this.commit(state, plan.next, plan.reaped, guards, extra)) {
        this.logReaped(plan.reaped);
        if (plan.outcome === 'released') log.step(`fleet: ${escapeControl(request.id)} gave back its reboot slot in group ${escapeControl(this.options.group)}`);
        return plan;
      }
    }
    throw tooManyConflicts(this.options.group);
  }

  /** fleet slots N: the one way the slot count changes. */
  async setSlots(totalSlots: number): Promise<SlotsPlan> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const state = await this.readState();
      const plan = planSlots(state, totalSlots);
      if (await this.commit(state, plan.next, plan.reaped, [], [])) {
        this.logReaped(plan.reaped);
        return plan;
      }
    }
    throw tooManyConflicts(this.options.group);
  }

  /** Look at the group (reaping expired holders on the way, as every look does). */
  async status(): Promise<GroupStatus> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const state = await this.readState();
      const reap = planReap(state);
      if (reap && !(await this.commit(state, reap.next, reap.reaped, [], []))) continue;
      if (reap) this.logReaped(reap.reaped);
      const semaphore = reap?.next ?? state.semaphore;
      return {
        group: this.options.group,
        semaphoreKey: this.keys.semaphore,
        totalSlots: semaphore?.totalSlots,
        holders: (semaphore?.holders ?? []).map((id) => ({ id, details: state.holders.get(id)?.details })),
        reaped: reap?.reaped ?? [],
      };
    }
    throw tooManyConflicts(this.options.group);
  }

  private async commitAcquire(state: GroupState, plan: AcquirePlan, holder: HolderDetails | undefined): Promise<boolean> {
    const extra: IOperation[] = [];
    const guards: Array<[string, 'Mod', string]> = [];
    let lease: ReturnType<Etcd3['lease']> | undefined;
    if (holder) {
      guards.push([this.keys.holder(holder.id), 'Mod', state.holders.get(holder.id)?.modRevision ?? '0']);
      const seconds = this.options.deadlineSeconds;
      if (seconds !== undefined) {
        holder.deadline = new Date(Date.parse(holder.since) + seconds * 1000).toISOString();
        lease = this.client.lease(seconds, { autoKeepAlive: false });
        const leaseId = await this.guard(() => lease!.grant());
        extra.push(this.client.put(this.keys.deadline(holder.id)).value(holder.deadline).lease(leaseId));
      } else {
        extra.push(this.client.delete().key(this.keys.deadline(holder.id)));
      }
      extra.push(this.client.put(this.keys.holder(holder.id)).value(serializeHolder(holder)));
    }
    let ok = false;
    try {
      ok = await this.commit(state, plan.next, plan.reaped, guards, extra, new Set(holder ? [holder.id] : []));
    } finally {
      if (lease) {
        if (ok) lease.release();
        else await lease.revoke().catch(() => undefined);
      }
    }
    return ok;
  }

  /**
   * One transaction: the semaphore's version must be the one read; each reaped holder's
   * details must be unchanged and its deadline key still gone; then write everything.
   */
  private async commit(
    state: GroupState,
    next: Semaphore | undefined,
    reaped: readonly string[],
    guards: ReadonlyArray<[string, 'Mod', string]>,
    extra: IOperation[],
    /** Holder keys the transaction rewrites: a reaped id taking its slot again. */
    rewritten: ReadonlySet<string> = new Set(),
  ): Promise<boolean> {
    return this.guard(async () => {
      const txn = this.client.if(this.keys.semaphore, 'Version', '==', state.version);
      for (const [key, column, value] of guards) txn.and(key, column, '==', value);
      const ops: IOperation[] = [];
      for (const id of reaped) {
        txn.and(this.keys.holder(id), 'Mod', '==', state.holders.get(id)?.modRevision ?? '0');
        txn.and(this.keys.deadline(id), 'Version', '==', 0);
        if (!rewritten.has(id)) ops.push(this.client.delete().key(this.keys.holder(id)));
      }
      if (next) ops.push(this.client.put(this.keys.semaphore).value(serializeSemaphore(next)));
      const result = await txn.then(...ops, ...extra).commit();
      return result.succeeded;
    });
  }

  private logReaped(ids: readonly string[]): void {
    for (const id of ids) {
      log.warn(`fleet: reaped ${escapeControl(id)} from group ${escapeControl(this.options.group)}: its deadline passed while it held a reboot slot`);
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw etcdError(error, this.settings);
    }
  }
}

function duplicateIdentity(id: string, group: string): TuError {
  return new TuError(
    `node id ${escapeControl(id)} already holds a reboot slot in group ${escapeControl(group)} for another machine (another instance token): two machines share this id`,
    {
      hint: `give each machine its own FLEET_NODE_ID (or its own /etc/machine-id); if this machine was reinstalled, free the old slot with 'transactional-update fleet unlock ${escapeControl(id)}'`,
    },
  );
}

function foreignHolder(id: string, group: string): TuError {
  return new TuError(
    `the reboot slot of ${escapeControl(id)} in group ${escapeControl(group)} belongs to another machine with the same id; not releasing it`,
    { hint: `give each machine its own FLEET_NODE_ID; an administrator can free it with 'transactional-update fleet unlock ${escapeControl(id)}'` },
  );
}

function tooManyConflicts(group: string): TuError {
  return new TuError(`the semaphore of group ${escapeControl(group)} kept changing under ${MAX_ATTEMPTS} attempts`, {
    hint: 'try again',
  });
}

function toKv(kv: IKeyValue): EtcdKv {
  return { key: kv.key.toString('utf8'), value: kv.value.toString('utf8'), version: kv.version, modRevision: kv.mod_revision };
}
