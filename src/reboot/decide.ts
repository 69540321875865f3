/**
 * Whether to reboot now — pure: a function of the time, the settings, what is pending, the
 * system's facts and a random source.
 *
 * `reboot` (no --if-needed) restarts now, whatever the window. `reboot --if-needed` restarts
 * only when a new snapshot is pending, and only inside a maintenance window (any time when
 * none is configured), at a random offset into the window so a fleet does not restart at the
 * same second. The reboot timer calls it repeatedly: pass a random source seeded per machine
 * and snapshot (seededRandom) so the chosen time stays the same between calls.
 */
import type { Settings } from '../config/settings.js';
import type { RebootLevel } from './level.js';
import { chooseRebootMethod, type MethodChoice, type RebootFacts } from './methods.js';
import type { PendingReboot } from './state.js';
import { formatInZone } from './timezone.js';
import { nextWindow, rebootTime, type WindowOccurrence } from './window.js';

export interface RebootDecisionInput {
  now: Date;
  settings: Pick<
    Settings,
    'rebootMethod' | 'allowSoftReboot' | 'allowKexec' | 'rebootWindows' | 'rebootTimeZone' | 'rebootRandomDelayMs'
  >;
  /** What is pending (pendingFromState), undefined when the next boot is the running snapshot. */
  pending: PendingReboot | undefined;
  ifNeeded: boolean;
  /** `reboot --full`: restart as for a change that needs a full reboot, whatever is pending. */
  full?: boolean;
  random: () => number;
  /** The system's facts; the level is taken from `pending` (a full reboot without one). */
  facts: Omit<RebootFacts, 'level'>;
}

export type RebootAction = 'reboot' | 'wait' | 'nothing';

export interface RebootDecision {
  action: RebootAction;
  /** How to reboot; undefined when nothing is to be done at all. */
  method: MethodChoice | undefined;
  /** One line for the user and the log. */
  reason: string;
  /** The window now is in, or the next one; undefined when no windows are configured. */
  nextWindow: WindowOccurrence | undefined;
  /** For 'wait': the randomized time inside the (current or next) window the reboot is due. */
  rebootAt?: Date;
  level: RebootLevel;
}

/** Methods that only tell someone else; repeating them for the same snapshot is noise. */
const SIGNALLING = new Set(['kured', 'rebootmgr', 'notify']);

export function decideReboot(input: RebootDecisionInput): RebootDecision {
  const { now, settings, pending, ifNeeded } = input;
  const tz = settings.rebootTimeZone;
  const windows = settings.rebootWindows;
  const window = windows.length > 0 ? nextWindow(now, windows, tz) : undefined;
  const pendingLevel: RebootLevel = pending?.level ?? (ifNeeded ? 'none' : 'reboot');
  // --full raises the level, except that `--if-needed` still does nothing for a change needing none.
  const level: RebootLevel = input.full && !(ifNeeded && pendingLevel === 'none') ? 'reboot' : pendingLevel;
  const result = (action: RebootAction, method: MethodChoice | undefined, reason: string, rebootAt?: Date): RebootDecision => ({
    action,
    method,
    reason,
    nextWindow: window,
    level,
    ...(rebootAt ? { rebootAt } : {}),
  });

  if (ifNeeded && !pending) return result('nothing', undefined, 'no new snapshot is waiting for a reboot');
  if (ifNeeded && level === 'none') return result('nothing', undefined, `snapshot ${pending!.snapshot} needs no reboot`);

  const fullRequested = level === 'reboot' && pendingLevel !== 'reboot';
  const method = chooseRebootMethod({ ...input.facts, level, ...(fullRequested ? { fullRequested } : {}) }, settings);
  if (method.mechanism === 'none') return result('nothing', method, `${method.reason}; reboot by hand to activate the new snapshot`);
  if (!ifNeeded) return result('reboot', method, `reboot requested${input.full ? ' (--full)' : ''}; ${method.reason}`);

  const snapshot = pending!.snapshot;
  if (SIGNALLING.has(method.mechanism) && pending!.signalled) {
    return result('nothing', method, `snapshot ${snapshot}: ${pending!.signalled.method} was already told at ${pending!.signalled.at}`);
  }
  if (!window) {
    return result('reboot', method, `snapshot ${snapshot} is pending and no maintenance window is configured; ${method.reason}`);
  }
  const opensAt = formatInZone(window.start, tz);
  const closesAt = formatInZone(window.end, tz);
  const due = rebootTime(window, input.random, settings.rebootRandomDelayMs);
  if (window.start.getTime() > now.getTime()) {
    return result('wait', method, `snapshot ${snapshot} is pending; the next maintenance window opens at ${opensAt}`, due);
  }
  if (now.getTime() >= due.getTime()) {
    return result('reboot', method, `snapshot ${snapshot} is pending and the maintenance window is open until ${closesAt}; ${method.reason}`);
  }
  return result(
    'wait',
    method,
    `snapshot ${snapshot} is pending; inside the maintenance window, the reboot is due at ${formatInZone(due, tz)}`,
    due,
  );
}
