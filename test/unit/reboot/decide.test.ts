import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/config/settings.js';
import { decideReboot, type RebootDecisionInput } from '../../../src/reboot/decide.js';
import type { PendingReboot } from '../../../src/reboot/state.js';
import { seededRandom } from '../../../src/reboot/random.js';
import { rebootTime } from '../../../src/reboot/window.js';

const settingsOf = (values: Record<string, string>) =>
  resolveSettings({ values, sources: Object.fromEntries(Object.keys(values).map((k) => [k, '/etc/transactional-update.conf'])) });

const WINDOWED = settingsOf({ REBOOT_WINDOWS: 'Mon..Fri 02:00 2h', REBOOT_TIMEZONE: 'Europe/Berlin', REBOOT_RANDOM_DELAY: '30m' });
const PENDING: PendingReboot = { snapshot: 7, level: 'reboot', recordedAt: '2026-01-04T12:00:00.000Z' };
const FACTS = { systemdVersion: 252, kexecAvailable: false, rebootmgrActive: false, nextRootPreparable: true };

function decide(over: Partial<RebootDecisionInput>) {
  return decideReboot({
    now: new Date('2026-01-05T12:00:00Z'),
    settings: WINDOWED,
    pending: PENDING,
    ifNeeded: true,
    random: () => 0.5,
    facts: FACTS,
    ...over,
  });
}

describe('decideReboot', () => {
  it('does nothing with --if-needed when nothing is pending or the change needs no reboot', () => {
    expect(decide({ pending: undefined })).toMatchObject({ action: 'nothing', reason: 'no new snapshot is waiting for a reboot', method: undefined });
    expect(decide({ pending: { ...PENDING, level: 'none' } })).toMatchObject({ action: 'nothing', reason: 'snapshot 7 needs no reboot' });
  });

  it('reboots now when asked without --if-needed, window or not', () => {
    const d = decide({ ifNeeded: false, pending: undefined });
    expect(d).toMatchObject({ action: 'reboot', level: 'reboot', method: { method: 'systemd', mechanism: 'reboot' } });
    expect(d.reason).toBe('reboot requested; REBOOT_METHOD=auto and rebootmgr is not running: the change needs a full reboot');
  });

  it('reboot --full restarts fully whatever the pending change needs; with --if-needed only when one needs a reboot', () => {
    const soft = { ...PENDING, level: 'soft-reboot' as const };
    const facts = { ...FACTS, systemdVersion: 257 };
    expect(decide({ ifNeeded: false, pending: soft, facts }).method?.mechanism).toBe('soft-reboot');
    const full = decide({ ifNeeded: false, pending: soft, facts, full: true });
    expect(full).toMatchObject({ action: 'reboot', level: 'reboot', method: { mechanism: 'reboot' } });
    expect(full.reason).toBe('reboot requested (--full); REBOOT_METHOD=auto and rebootmgr is not running: a full reboot, as --full asks');
    // A change that needs a full reboot anyway is still named as the reason.
    const kernel = decide({ ifNeeded: false, pending: { ...PENDING, level: 'reboot' }, facts, full: true });
    expect(kernel.reason).toBe('reboot requested (--full); REBOOT_METHOD=auto and rebootmgr is not running: the change needs a full reboot');
    expect(decide({ ifNeeded: true, pending: { ...PENDING, level: 'none' }, facts, full: true }).action).toBe('nothing');
  });

  it('waits outside the window and says when the next one opens', () => {
    // Monday 13:00 in Berlin: the next window is Tuesday 02:00 CET.
    const d = decide({});
    expect(d.action).toBe('wait');
    expect(d.reason).toBe('snapshot 7 is pending; the next maintenance window opens at 2026-01-06 02:00 +01:00');
    expect(d.nextWindow?.start.toISOString()).toBe('2026-01-06T01:00:00.000Z');
    // random 0.5 of REBOOT_RANDOM_DELAY=30m: 15 minutes into the window.
    expect(d.rebootAt?.toISOString()).toBe('2026-01-06T01:15:00.000Z');
  });

  it('inside the window waits for the randomized time, then reboots', () => {
    // Window Tuesday 01:00Z–03:00Z; random 0.5 of 30 minutes → due at 01:15Z.
    const early = decide({ now: new Date('2026-01-06T01:10:00Z') });
    expect(early.action).toBe('wait');
    expect(early.rebootAt?.toISOString()).toBe('2026-01-06T01:15:00.000Z');
    expect(early.reason).toBe('snapshot 7 is pending; inside the maintenance window, the reboot is due at 2026-01-06 02:15 +01:00');
    const due = decide({ now: new Date('2026-01-06T01:15:00Z') });
    expect(due.action).toBe('reboot');
    expect(due.reason).toMatch(/^snapshot 7 is pending and the maintenance window is open until 2026-01-06 04:00 \+01:00; /);
    expect(decide({ now: new Date('2026-01-06T02:59:59Z') }).action).toBe('reboot');
    expect(decide({ now: new Date('2026-01-06T03:00:00Z') }).action).toBe('wait');
  });

  it('keeps the same reboot time across timer runs with a seeded source', () => {
    const window = { start: new Date('2026-01-06T01:00:00Z'), end: new Date('2026-01-06T03:00:00Z') };
    const due = rebootTime(window, seededRandom('machine/7'), 30 * 60_000).getTime();
    expect(due).toBeGreaterThan(window.start.getTime());
    for (let t = window.start.getTime(); t < window.start.getTime() + 40 * 60_000; t += 60_000) {
      const d = decide({ now: new Date(t), random: seededRandom('machine/7') });
      if (t < due) expect(d).toMatchObject({ action: 'wait', rebootAt: new Date(due) });
      else expect(d.action).toBe('reboot');
    }
  });

  it('reboots at once without windows', () => {
    const d = decide({ settings: settingsOf({}) });
    expect(d).toMatchObject({ action: 'reboot', nextWindow: undefined });
    expect(d.reason).toMatch(/^snapshot 7 is pending and no maintenance window is configured; /);
  });

  it('does nothing with REBOOT_METHOD=none, saying so', () => {
    const d = decide({ settings: settingsOf({ REBOOT_METHOD: 'none' }) });
    expect(d).toMatchObject({ action: 'nothing', method: { mechanism: 'none' } });
    expect(d.reason).toBe('REBOOT_METHOD=none: nothing is rebooted; reboot by hand to activate the new snapshot');
  });

  it('signals kured, rebootmgr and notify once per snapshot', () => {
    const kured = settingsOf({ REBOOT_METHOD: 'kured' });
    expect(decide({ settings: kured }).action).toBe('reboot');
    const again = decide({ settings: kured, pending: { ...PENDING, signalled: { method: 'kured', at: '2026-01-05T11:00:00.000Z' } } });
    expect(again).toMatchObject({ action: 'nothing', reason: 'snapshot 7: kured was already told at 2026-01-05T11:00:00.000Z' });
    // A restarting method is not affected by the mark.
    expect(decide({ settings: settingsOf({}), pending: { ...PENDING, signalled: { method: 'kured', at: 'x' } } }).action).toBe('reboot');
  });

  it('carries the level into the method choice', () => {
    const d = decide({ settings: settingsOf({ REBOOT_METHOD: 'systemd' }), pending: { ...PENDING, level: 'soft-reboot' }, facts: { ...FACTS, systemdVersion: 256 } });
    expect(d).toMatchObject({ action: 'reboot', level: 'soft-reboot', method: { mechanism: 'soft-reboot' } });
  });

  it('fails, not falls back, when the configured method cannot work', () => {
    expect(() => decide({ settings: settingsOf({ REBOOT_METHOD: 'kexec' }), pending: { ...PENDING, level: 'kexec' } })).toThrow(
      'REBOOT_METHOD=kexec, but kexec cannot be used here',
    );
  });
});
