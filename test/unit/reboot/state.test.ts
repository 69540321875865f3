import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearPendingReboot,
  decidingCauses,
  markSignalled,
  pendingFromState,
  readPendingReboot,
  rebootStatePath,
  recordRebootLevel,
} from '../../../src/reboot/state.js';

const dirs: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tu-state-'));
  dirs.push(dir);
  return join(dir, 'var/lib/transactional-update');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-22T04:00:00Z');

describe('reboot state', () => {
  it('records and reads the level a snapshot needs, creating the state directory', () => {
    const dir = stateDir();
    expect(readPendingReboot(dir)).toBeUndefined();
    recordRebootLevel(dir, 5, 'kexec', { now: NOW });
    expect(readPendingReboot(dir)).toEqual({
      snapshot: 5,
      level: 'kexec',
      causes: [{ snapshot: 5, level: 'kexec', paths: [], packages: [] }],
      recordedAt: '2026-11-22T04:00:00.000Z',
    });
    expect(JSON.parse(readFileSync(rebootStatePath(dir), 'utf8'))).toMatchObject({ snapshot: 5, level: 'kexec' });
  });

  it('adds up levels when a transaction continues the pending snapshot, replaces otherwise', () => {
    const dir = stateDir();
    recordRebootLevel(dir, 5, 'kexec', { now: NOW });
    expect(recordRebootLevel(dir, 6, 'soft-reboot', { base: 5, now: NOW }).level).toBe('kexec');
    expect(recordRebootLevel(dir, 7, 'soft-reboot', { base: 4, now: NOW }).level).toBe('soft-reboot');
    expect(recordRebootLevel(dir, 8, 'soft-reboot', { now: NOW }).level).toBe('soft-reboot');
  });

  it('a base that has booted adds nothing, though the record still names it', () => {
    const dir = stateDir();
    recordRebootLevel(dir, 3, 'kexec', { now: NOW });
    // 3 booted; a transaction from it records 4.
    const pending = recordRebootLevel(dir, 4, 'soft-reboot', { base: 3, booted: 3, now: NOW });
    expect(pending).toMatchObject({ snapshot: 4, level: 'soft-reboot', causes: [{ snapshot: 4, level: 'soft-reboot' }] });
  });

  it('keeps what set each pending level; the highest wins and names its snapshots', () => {
    const dir = stateDir();
    recordRebootLevel(dir, 5, 'soft-reboot', { now: NOW, cause: { paths: ['/usr/bin/tu-hello'], packages: ['tu-hello'] } });
    recordRebootLevel(dir, 6, 'kexec', { base: 5, now: NOW, cause: { paths: ['/boot/vmlinuz-6.12.9'], morePaths: 3, packages: ['tu-kernel'] } });
    const pending = recordRebootLevel(dir, 7, 'soft-reboot', { base: 6, now: NOW, cause: { paths: ['/usr/bin/tu-daily'], packages: ['tu-daily'] } });
    expect(readPendingReboot(dir)).toEqual(pending);
    expect(pending.level).toBe('kexec');
    expect(pending.causes!.map((c) => `${c.snapshot} ${c.level}`)).toEqual(['5 soft-reboot', '6 kexec', '7 soft-reboot']);
    expect(decidingCauses(pending)).toEqual([{ snapshot: 6, level: 'kexec', paths: ['/boot/vmlinuz-6.12.9'], morePaths: 3, packages: ['tu-kernel'] }]);
    // A transaction from the booted snapshot supersedes the chain: only its own cause is left.
    expect(recordRebootLevel(dir, 8, 'soft-reboot', { base: 4, now: NOW }).causes).toEqual([{ snapshot: 8, level: 'soft-reboot', paths: [], packages: [] }]);
  });

  it('marks a signalled snapshot, also one without a record, and clears', () => {
    const dir = stateDir();
    const pending = recordRebootLevel(dir, 5, 'reboot', { now: NOW });
    markSignalled(dir, pending, 'notify', new Date('2026-11-22T05:00:00Z'));
    expect(readPendingReboot(dir)).toEqual({ ...pending, signalled: { method: 'notify', at: '2026-11-22T05:00:00.000Z' } });
    clearPendingReboot(dir);
    expect(existsSync(rebootStatePath(dir))).toBe(false);
    clearPendingReboot(dir);
    markSignalled(dir, { snapshot: 3, level: 'reboot', recordedAt: '' }, 'kured', NOW);
    expect(readPendingReboot(dir)).toEqual({ snapshot: 3, level: 'reboot', recordedAt: NOW.toISOString(), signalled: { method: 'kured', at: NOW.toISOString() } });
  });

  it('refuses a damaged file with a hint, instead of guessing', () => {
    const dir = stateDir();
    recordRebootLevel(dir, 5, 'reboot', { now: NOW });
    writeFileSync(rebootStatePath(dir), '{"snapshot": 5, "level": "hard"}');
    expect(() => readPendingReboot(dir)).toThrow(`${rebootStatePath(dir)} is damaged`);
  });

  it('is pending only while the next boot is not the running snapshot', () => {
    const record = { snapshot: 5, level: 'soft-reboot' as const, recordedAt: NOW.toISOString() };
    expect(pendingFromState(record, { booted: 4, nextBoot: 5 })).toBe(record);
    expect(pendingFromState(record, { booted: 5, nextBoot: 5 })).toBeUndefined();
    expect(pendingFromState(undefined, { booted: 4, nextBoot: 4 })).toBeUndefined();
    // A rollback made 3 the next boot: no record for it, so a full reboot.
    expect(pendingFromState(record, { booted: 4, nextBoot: 3 })).toEqual({ snapshot: 3, level: 'reboot', recordedAt: '' });
  });
});
