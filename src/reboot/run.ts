/**
 * `reboot [--if-needed]` end to end: read the state, gather the facts, decide (pure), act,
 * and remember a signal so the timer does not repeat it. The CLI calls runReboot; a fleet
 * lock plugs in through `around` (see src/reboot/fleet/rebootCycle.ts).
 */
import { join } from 'node:path';
import { setTimeout as sleepMs } from 'node:timers/promises';
import type { Settings } from '../config/settings.js';
import { log } from '../util/log.js';
import { decideReboot, type RebootDecision } from './decide.js';
import { gatherRebootFacts } from './facts.js';
import { readMachineId } from './fleet/identity.js';
import type { RebootFacts, RebootMechanism } from './methods.js';
import { performReboot } from './perform.js';
import { seededRandom } from './random.js';
import { markSignalled, pendingFromState, readPendingReboot, type PendingReboot } from './state.js';

export interface RebootRequest {
  /** The managed system's root ('/' unless --root). */
  root: string;
  /** <root>/var/lib/transactional-update */
  stateDir: string;
  booted: number | undefined;
  /** The next-boot snapshot (the pointers). */
  nextBoot: number | undefined;
  /** e.g. "@/.snapshots", for kexec's command line. */
  snapshotsFsPath: string;
  settings: Settings;
  ifNeeded: boolean;
  /** `reboot --full`: a full reboot, whatever the pending change needs. */
  full?: boolean;
  now?: Date;
  /** Facts of the running system; gathered when not given. */
  facts?: Omit<RebootFacts, 'level'>;
  /** Soft-reboot: mount the new snapshot at /run/nextroot (the boot code owns mounts); returns the undo. */
  prepareSoftReboot?: () => Promise<(() => Promise<void>) | void>;
  /** Why the pending snapshot cannot be the next root here, when the boot code said so. */
  softRebootRefusal?: string;
  /**
   * Wraps a restart (reboot, soft-reboot, kexec, command): a fleet lock takes a slot first,
   * waiting at most until `until` (the window's end), and calls restart() only with one.
   */
  around?: (restart: () => Promise<void>, info: { until: Date | undefined; snapshot: number | undefined }) => Promise<void>;
  /**
   * When the reboot is due within this time, wait for it instead of returning 'wait'. The
   * reboot timer passes REBOOT_CHECK_INTERVAL_MS: a due time between two runs of the timer is
   * then met by the earlier run, even one that falls before the next run or a window that
   * opens between two runs. 0 (the default) never waits.
   */
  waitUpToMs?: number;
  /** How to wait (tests pass a recorder); default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Called with the decision before anything restarts: the reason must reach the journal
   * before the reboot stops the service that says it (seen under QEMU: the line was lost).
   */
  announce?: (decision: RebootDecision) => void;
}

/** How often transactional-update-reboot.timer runs `reboot --if-needed` (OnCalendar=*:0/15). */
export const REBOOT_CHECK_INTERVAL_MS = 15 * 60_000;

const RESTARTS = new Set<RebootMechanism>(['reboot', 'soft-reboot', 'kexec', 'command']);
const SIGNALS = new Set<RebootMechanism>(['kured', 'rebootmgr', 'notify']);

/** The random source that makes a machine's time inside a window stable per pending snapshot. */
export function rebootRandom(root: string, pending: PendingReboot | undefined): () => number {
  const machineId = readMachineId(join(root, 'etc', 'machine-id')) ?? 'no-machine-id';
  return seededRandom(`${machineId}/${pending?.snapshot ?? 'none'}`);
}

/** The pending reboot of a system from its state and pointers. */
export function currentPending(stateDir: string, booted: number | undefined, nextBoot: number | undefined): PendingReboot | undefined {
  return pendingFromState(readPendingReboot(stateDir), { booted, nextBoot });
}

export async function runReboot(request: RebootRequest): Promise<RebootDecision> {
  let now = request.now ?? new Date();
  const facts = {
    ...(request.facts ?? (await gatherRebootFacts())),
    nextRootPreparable: request.prepareSoftReboot !== undefined,
    nextRootRefusal: request.softRebootRefusal,
  };
  const decideAt = (at: Date) => {
    const pending = currentPending(request.stateDir, request.booted, request.nextBoot);
    const decision = decideReboot({
      now: at,
      settings: request.settings,
      pending,
      ifNeeded: request.ifNeeded,
      full: request.full ?? false,
      random: rebootRandom(request.root, pending),
      facts,
    });
    return { pending, decision };
  };
  let { pending, decision } = decideAt(now);
  const waitMs = decision.rebootAt ? decision.rebootAt.getTime() - now.getTime() : Infinity;
  if (decision.action === 'wait' && waitMs <= (request.waitUpToMs ?? 0)) {
    log.step(`reboot: waiting until ${decision.rebootAt!.toISOString()}: ${decision.reason}`);
    await (request.sleep ?? ((ms: number) => sleepMs(ms)))(waitMs);
    // A timer may fire a little early: decide at the due time at the earliest.
    const after = request.now ? decision.rebootAt! : new Date();
    now = after.getTime() < decision.rebootAt!.getTime() ? decision.rebootAt! : after;
    ({ pending, decision } = decideAt(now));
  }
  log.step(`reboot: ${decision.action}: ${decision.reason}`);
  request.announce?.(decision);
  if (decision.action !== 'reboot' || !decision.method) return decision;
  const method = decision.method;
  const restart = () =>
    performReboot(method, {
      root: request.root,
      snapshot: pending?.snapshot,
      level: decision.level,
      rebootCommand: request.settings.rebootCommand,
      snapshotsFsPath: request.snapshotsFsPath,
      prepareSoftReboot: request.prepareSoftReboot,
    });
  if (RESTARTS.has(method.mechanism) && request.around) {
    const inWindow = decision.nextWindow && decision.nextWindow.start.getTime() <= now.getTime();
    await request.around(restart, { until: inWindow ? decision.nextWindow!.end : undefined, snapshot: pending?.snapshot });
  } else {
    await restart();
  }
  if (SIGNALS.has(method.mechanism) && pending) markSignalled(request.stateDir, pending, method.mechanism, now);
  return decision;
}
