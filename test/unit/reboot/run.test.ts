/**
 * `reboot [--if-needed]` end to end on a temporary root, with real programs: REBOOT_COMMAND
 * writes a file instead of rebooting, kured's sentinel is written into the root.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/config/settings.js';
import { readPendingReboot, recordRebootLevel } from '../../../src/reboot/state.js';
import { REBOOT_CHECK_INTERVAL_MS, rebootRandom, runReboot, type RebootRequest } from '../../../src/reboot/run.js';
import { rebootTime } from '../../../src/reboot/window.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function system() {
  const root = mkdtempSync(join(tmpdir(), 'tu-run-'));
  dirs.push(root);
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/machine-id'), '0123456789abcdef0123456789abcdef\n');
  return { root, stateDir: join(root, 'var/lib/transactional-update'), marker: join(root, 'rebooted') };
}

const settingsOf = (values: Record<string, string>) =>
  resolveSettings({ values, sources: Object.fromEntries(Object.keys(values).map((k) => [k, '/etc/transactional-update.conf'])) });
const FACTS = { systemdVersion: undefined, kexecAvailable: false, rebootmgrActive: false, nextRootPreparable: false };

function request(sys: ReturnType<typeof system>, values: Record<string, string>, over: Partial<RebootRequest> = {}): RebootRequest {
  return {
    root: sys.root,
    stateDir: sys.stateDir,
    booted: 4,
    nextBoot: 5,
    snapshotsFsPath: '@/.snapshots',
    settings: settingsOf({ REBOOT_METHOD: 'command', REBOOT_COMMAND: `/bin/sh -c 'echo "$TU_SNAPSHOT $TU_REBOOT_LEVEL" >> "$0"' ${sys.marker}`, ...values }),
    ifNeeded: true,
    facts: FACTS,
    ...over,
  };
}

describe('runReboot', () => {
  it('runs REBOOT_COMMAND for a pending snapshot, with its level', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'kexec');
    const decision = await runReboot(request(sys, {}));
    expect(decision.action).toBe('reboot');
    expect(readFileSync(sys.marker, 'utf8')).toBe('5 kexec\n');
  });

  it('announces its decision before it restarts (the reason must reach the journal before the reboot stops the service)', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'reboot');
    const announced: Array<{ reason: string; restartedYet: boolean }> = [];
    const decision = await runReboot(request(sys, {}, { announce: (d) => announced.push({ reason: d.reason, restartedYet: existsSync(sys.marker) }) }));
    expect(decision.action).toBe('reboot');
    expect(announced).toEqual([{ reason: decision.reason, restartedYet: false }]);
    expect(existsSync(sys.marker)).toBe(true);
  });

  it('does nothing when the next boot is the running snapshot', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'kexec');
    const decision = await runReboot(request(sys, {}, { booted: 5, nextBoot: 5 }));
    expect(decision).toMatchObject({ action: 'nothing', reason: 'no new snapshot is waiting for a reboot' });
    expect(existsSync(sys.marker)).toBe(false);
  });

  it('waits outside the window and reboots at the machine\'s time inside it', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'soft-reboot');
    const values = { REBOOT_WINDOWS: 'Mon 02:00 1h', REBOOT_TIMEZONE: 'UTC', REBOOT_RANDOM_DELAY: '30m' };
    // Monday 2026-01-05.
    const before = await runReboot(request(sys, values, { now: new Date('2026-01-05T01:00:00Z') }));
    expect(before).toMatchObject({ action: 'wait', reason: 'snapshot 5 is pending; the next maintenance window opens at 2026-01-05 02:00 +00:00' });
    expect(existsSync(sys.marker)).toBe(false);
    const window = { start: new Date('2026-01-05T02:00:00Z'), end: new Date('2026-01-05T03:00:00Z') };
    const due = rebootTime(window, rebootRandom(sys.root, readPendingReboot(sys.stateDir)), 30 * 60_000);
    const early = await runReboot(request(sys, values, { now: new Date(due.getTime() - 1000) }));
    expect(early).toMatchObject({ action: 'wait', rebootAt: due });
    expect(existsSync(sys.marker)).toBe(false);
    const onTime = await runReboot(request(sys, values, { now: due }));
    expect(onTime.action).toBe('reboot');
    expect(readFileSync(sys.marker, 'utf8')).toBe('5 soft-reboot\n');
  });

  it('meets a due time before the next timer run by waiting for it, also in a window that opens between runs', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'reboot');
    // A five-minute window between the timer's runs at 02:00 and 02:15.
    const values = { REBOOT_WINDOWS: 'Mon 02:05 5m', REBOOT_TIMEZONE: 'UTC', REBOOT_RANDOM_DELAY: '30m' };
    const window = { start: new Date('2026-01-05T02:05:00Z'), end: new Date('2026-01-05T02:10:00Z') };
    const due = rebootTime(window, rebootRandom(sys.root, readPendingReboot(sys.stateDir)), 30 * 60_000);
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    const now = new Date('2026-01-05T02:00:00Z');
    // Without waiting, the run at 02:00 only says "wait", and the run at 02:15 is too late.
    expect((await runReboot(request(sys, values, { now }))).action).toBe('wait');
    expect((await runReboot(request(sys, values, { now: new Date('2026-01-05T02:15:00Z') }))).action).toBe('wait');
    expect(existsSync(sys.marker)).toBe(false);
    // With the timer's interval as the budget, the run at 02:00 waits for the due time.
    const decision = await runReboot(request(sys, values, { now, waitUpToMs: REBOOT_CHECK_INTERVAL_MS, sleep }));
    expect(slept).toEqual([due.getTime() - now.getTime()]);
    expect(decision.action).toBe('reboot');
    expect(readFileSync(sys.marker, 'utf8')).toBe('5 reboot\n');
  });

  it('does not wait for a due time beyond the budget', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'reboot');
    const slept: number[] = [];
    const decision = await runReboot(
      request(sys, { REBOOT_WINDOWS: 'Mon 02:00 1h', REBOOT_TIMEZONE: 'UTC' }, {
        now: new Date('2026-01-05T01:00:00Z'),
        waitUpToMs: REBOOT_CHECK_INTERVAL_MS,
        sleep: async (ms) => {
          slept.push(ms);
        },
      }),
    );
    expect(decision.action).toBe('wait');
    expect(slept).toEqual([]);
    expect(existsSync(sys.marker)).toBe(false);
  });

  it('passes restarts through `around` with the window end, as a fleet lock does', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'reboot');
    const calls: unknown[] = [];
    const values = { REBOOT_WINDOWS: 'Mon 02:00 1h', REBOOT_TIMEZONE: 'UTC', REBOOT_RANDOM_DELAY: '0' };
    await runReboot(
      request(sys, values, {
        now: new Date('2026-01-05T02:10:00Z'),
        around: async (restart, info) => {
          calls.push(info);
          await restart();
        },
      }),
    );
    expect(calls).toEqual([{ until: new Date('2026-01-05T03:00:00Z'), snapshot: 5 }]);
    expect(readFileSync(sys.marker, 'utf8')).toBe('5 reboot\n');
  });

  it('kured: touches the sentinel in the root once per snapshot', async () => {
    const sys = system();
    recordRebootLevel(sys.stateDir, 5, 'reboot');
    const first = await runReboot(request(sys, { REBOOT_METHOD: 'kured' }));
    expect(first.action).toBe('reboot');
    const sentinel = join(sys.root, 'var/run/reboot-required');
    expect(existsSync(sentinel)).toBe(true);
    rmSync(sentinel);
    const second = await runReboot(request(sys, { REBOOT_METHOD: 'kured' }));
    expect(second.action).toBe('nothing');
    expect(existsSync(sentinel)).toBe(false);
  });

  it('reboot without --if-needed acts now, even with nothing pending', async () => {
    const sys = system();
    const decision = await runReboot(request(sys, { REBOOT_WINDOWS: 'Mon 02:00 1h' }, { ifNeeded: false, booted: 5, nextBoot: 5 }));
    expect(decision.action).toBe('reboot');
    expect(readFileSync(sys.marker, 'utf8')).toBe(' reboot\n');
  });
});
