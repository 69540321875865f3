/**
 * The reboot path with a fleet lock. Before: take a slot (waiting inside the window), then
 * reboot; never a reboot without a slot. After the boot: give the slot back only once the
 * health check says this boot is healthy. The reboot itself is passed in, so the reboot
 * methods module (src/reboot/perform.ts) plugs in here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../errors.js';
import { escapeControl } from '../../util/escape.js';
import { log } from '../../util/log.js';
import { decideSteadyState, readHealth } from './health.js';
import { LockUnreachableError, type RebootLock } from './rebootLock.js';
import { readSlotRecord, removeSlotRecord, writeSlotRecord } from './slotRecord.js';

export interface FleetNode {
  lock: RebootLock;
  group: string;
  id: string;
  token: string;
  stateDir: string;
}

export interface WaitOptions {
  /** Keep trying until then (the end of the maintenance window); undefined: one attempt. */
  until?: Date;
  /** Pause between attempts; a random part up to the same again spreads the nodes. */
  pollIntervalMs?: number;
}

export type TakeSlotOutcome =
  | { kind: 'rebooted'; outcome: 'taken' | 'already-held' }
  | { kind: 'no-slot'; reason: string };

export async function takeSlotAndReboot(
  node: FleetNode,
  options: WaitOptions & { snapshot: number | null; reboot: () => Promise<void> },
): Promise<TakeSlotOutcome> {
  let lastReason = 'no attempt was made';
  for (;;) {
    try {
      const result = await node.lock.take({ id: node.id, token: node.token, snapshot: options.snapshot });
      if (result.outcome !== 'full') {
        const record = readSlotRecord(node.stateDir);
        if (!(result.outcome === 'already-held' && record?.id === node.id)) {
          writeSlotRecord(node.stateDir, { group: node.group, id: node.id, since: new Date().toISOString(), snapshot: options.snapshot });
        }
        await rebootHolding(node, options.reboot);
        return { kind: 'rebooted', outcome: result.outcome };
      }
      lastReason = result.reason ?? 'no free slot';
      log.detail(`fleet: no reboot slot yet in ${node.lock.description}: ${lastReason}`);
    } catch (error) {
      if (!(error instanceof LockUnreachableError)) throw error;
      lastReason = error.message;
      if (!timeLeft(options)) throw error;
      log.warn(`${error.message}; trying again`);
    }
    if (!timeLeft(options)) return { kind: 'no-slot', reason: lastReason };
    await pause(options);
  }
}

/** Reboot while holding the slot; if the reboot itself fails, give the slot back. */
async function rebootHolding(node: FleetNode, reboot: () => Promise<void>): Promise<void> {
  try {
    await reboot();
  } catch (error) {
    log.warn(`fleet: the reboot failed (${errorMessage(error)}); giving the slot back`);
    await node.lock.giveBack({ id: node.id, token: node.token }).catch((release: unknown) => {
      log.warn(`fleet: could not give the slot back: ${errorMessage(release)}`);
    });
    removeSlotRecord(node.stateDir);
    throw error;
  }
}

export type AfterBootOutcome =
  | { kind: 'released'; fallback: boolean; snapshot: number }
  | { kind: 'not-held' }
  | { kind: 'kept'; reason: string };

/** The post-boot step: release the slot after a healthy check of this boot. */
export async function afterBoot(node: FleetNode, options: WaitOptions = {}): Promise<AfterBootOutcome> {
  for (;;) {
    try {
      const outcome = await tryRelease(node);
      if (outcome.kind !== 'kept' || !timeLeft(options)) return outcome;
      log.detail(`fleet: keeping the reboot slot: ${outcome.reason}`);
    } catch (error) {
      if (!(error instanceof LockUnreachableError)) throw error;
      if (!timeLeft(options)) {
        throw new LockUnreachableError(error.message, { hint: 'the slot stays taken; the next run tries again', cause: error });
      }
      log.warn(`${error.message}; trying again`);
    }
    await pause(options);
  }
}

async function tryRelease(node: FleetNode): Promise<AfterBootOutcome> {
  if (node.lock.holds && !(await node.lock.holds(node.id))) {
    removeSlotRecord(node.stateDir);
    return { kind: 'not-held' };
  }
  const record = readSlotRecord(node.stateDir);
  const decision = decideSteadyState(readHealth(node.stateDir), record?.id === node.id ? record.since : undefined);
  if (decision.kind === 'keep') return { kind: 'kept', reason: decision.reason };
  const result = await node.lock.giveBack({ id: node.id, token: node.token });
  removeSlotRecord(node.stateDir);
  if (result.outcome === 'not-held') return { kind: 'not-held' };
  const { health } = decision;
  log.step(
    `fleet: ${escapeControl(node.id)} released its reboot slot after a healthy boot of snapshot ${health.snapshot}${health.fallback ? ' (fallback)' : ''}`,
  );
  return { kind: 'released', fallback: health.fallback, snapshot: health.snapshot };
}

function timeLeft(options: WaitOptions): boolean {
  return options.until !== undefined && Date.now() < options.until.getTime();
}

async function pause(options: WaitOptions): Promise<void> {
  const base = options.pollIntervalMs ?? 10_000;
  const ms = Math.min(base + Math.random() * base, Math.max(0, (options.until?.getTime() ?? 0) - Date.now()));
  await sleep(ms);
}
