/**
 * What `status` says about rebooting — pure: the pending snapshot and the level it needs,
 * the maintenance window now is in or the next one, and when the reboot is due.
 */
import type { Settings } from '../config/settings.js';
import type { RebootLevel } from './level.js';
import { decidingCauses, type LevelCause, type PendingReboot } from './state.js';
import { formatInZone } from './timezone.js';
import { nextWindow, rebootTime, type WindowOccurrence } from './window.js';

export interface RebootStatus {
  /** causes: what set the level (the highest of the pending chain); empty when not recorded. */
  pending: { snapshot: number; level: RebootLevel; causes: LevelCause[] } | undefined;
  timeZone: string;
  /** The windows as configured; empty: any time. */
  windows: string[];
  /** The window now is in, or the next one; undefined without windows. */
  window: WindowOccurrence | undefined;
  inWindow: boolean;
  /** When `reboot --if-needed` will reboot, if something is pending (now, without windows). */
  rebootDue: Date | undefined;
  /** One line for people. */
  summary: string;
}

export function rebootStatus(input: {
  now: Date;
  settings: Pick<Settings, 'rebootWindows' | 'rebootTimeZone' | 'rebootRandomDelayMs'>;
  pending: PendingReboot | undefined;
  /** The same source `reboot --if-needed` uses (rebootRandom), so both name the same time. */
  random: () => number;
}): RebootStatus {
  const { now, settings, pending } = input;
  const tz = settings.rebootTimeZone;
  const window = settings.rebootWindows.length > 0 ? nextWindow(now, settings.rebootWindows, tz) : undefined;
  const inWindow = window !== undefined && window.start.getTime() <= now.getTime();
  const needs = pending && pending.level !== 'none' ? { snapshot: pending.snapshot, level: pending.level, causes: decidingCauses(pending) } : undefined;
  let rebootDue: Date | undefined;
  if (needs) {
    if (!window) rebootDue = now;
    else {
      const due = rebootTime(window, input.random, settings.rebootRandomDelayMs);
      rebootDue = due.getTime() < now.getTime() ? now : due;
    }
  }
  const windowText = window
    ? inWindow
      ? `the maintenance window is open until ${formatInZone(window.end, tz)}`
      : `the next maintenance window opens at ${formatInZone(window.start, tz)}`
    : 'no maintenance window is configured';
  const summary = needs
    ? `snapshot ${needs.snapshot} needs a ${needs.level}; ${windowText}${window && rebootDue ? `; reboot due at ${formatInZone(rebootDue, tz)}` : ''}`
    : `no reboot pending; ${windowText}`;
  return { pending: needs, timeZone: tz, windows: settings.rebootWindows.map((w) => w.text), window, inWindow, rebootDue, summary };
}
