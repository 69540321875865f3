import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideFallbackRollback, decideHealth, type HealthFacts } from '../../../../src/boot/health/healthDecision.js';
import { parseBootCmdline } from '../../../../src/boot/cmdlineFacts.js';

const base: HealthFacts = { booted: 7, fallbackBoot: false, pointer: 7, knownGood: 5, failures: [], failureReboot: undefined };
const kinds = (f: Partial<HealthFacts>) => decideHealth({ ...base, ...f }).actions.map((a) => ('snapshot' in a ? `${a.kind} ${a.snapshot}` : a.kind));

describe('decideHealth', () => {
  it('a healthy new default becomes known-good and the counter is reset', () => {
    const d = decideHealth(base);
    expect(d).toMatchObject({ status: 'pass', fallback: false, safeState: false });
    expect(kinds({})).toEqual(['mark-known-good 7', 'reset-counter', 'forget-failure-reboot', 'refresh-menu']);
  });

  it('a failing new default: bad set recorded, known-good made the default, one reboot', () => {
    const d = decideHealth({ ...base, failures: ['health.d/10-web: exit 1'] });
    expect(d).toMatchObject({ status: 'fail', safeState: false });
    expect(kinds({ failures: ['x'] })).toEqual(['record-bad-set 7', 'set-next-boot 5', 'remember-failure-reboot', 'refresh-menu', 'reboot']);
    expect(d.message).toBe('snapshot 7 failed its health check (health.d/10-web: exit 1); rebooting into known-good snapshot 5');
  });

  it('a second failure (the known-good one fails after the reboot) stops in a safe state', () => {
    const d = decideHealth({ ...base, booted: 5, pointer: 5, failures: ['root: x'], failureReboot: { from: 7, to: 5, at: '' } });
    expect(d.safeState).toBe(true);
    expect(d.actions.some((a) => a.kind === 'reboot')).toBe(false);
    expect(d.message).toContain('this is the second failure');
    expect(d.message).toContain('staying up in a safe state');
  });

  it('never reboots twice for the same snapshot', () => {
    const d = decideHealth({ ...base, failures: ['x'], failureReboot: { from: 7, to: 5, at: '' } });
    expect(d.safeState).toBe(true);
    expect(d.actions.map((a) => a.kind)).not.toContain('reboot');
  });

  it('with no known-good snapshot there is nowhere to go', () => {
    const d = decideHealth({ ...base, knownGood: undefined, failures: ['x'] });
    expect(d.safeState).toBe(true);
    expect(d.message).toContain('no known-good snapshot');
  });

  it('a fallback boot rolls the pointers back and records the bad set before any check runs', () => {
    expect(decideFallbackRollback({ booted: 5, fallbackBoot: true, pointer: 7 })).toEqual([
      { kind: 'set-next-boot', snapshot: 5 },
      { kind: 'record-bad-set', snapshot: 7, reason: 'did not complete a boot within its boot attempts' },
    ]);
    expect(decideFallbackRollback({ booted: 7, fallbackBoot: false, pointer: 7 })).toEqual([]);
  });

  it('then, on a pass, marks the booted snapshot known-good and resets the counter', () => {
    const d = decideHealth({ ...base, booted: 5, fallbackBoot: true, pointer: 7 });
    expect(d).toMatchObject({ status: 'pass', fallback: true, safeState: false });
    expect(d.message).toBe('snapshot 7 did not boot; fell back to known-good snapshot 5 and made it the default again');
    expect(kinds({ booted: 5, fallbackBoot: true, pointer: 7 })).toEqual(['mark-known-good 5', 'reset-counter', 'forget-failure-reboot', 'refresh-menu']);
  });

  it('a fallback boot whose checks fail too stays up without rebooting', () => {
    const d = decideHealth({ ...base, booted: 5, fallbackBoot: true, pointer: 7, failures: ['x'] });
    expect(d.safeState).toBe(true);
    expect(d.actions.map((a) => a.kind)).toEqual(['reset-counter', 'refresh-menu']);
  });

  it('does nothing when the boot did not come from our menu', () => {
    expect(decideHealth({ ...base, booted: undefined })).toMatchObject({ status: 'fail', actions: [] });
  });
});

describe('parseBootCmdline', () => {
  it('reads tu.snapshot from a command line recorded in the QEMU boot test', () => {
    expect(parseBootCmdline(readFileSync('fixtures/boot/proc-cmdline-snapshot4.txt', 'utf8'))).toEqual({ snapshot: 4, fallback: false });
    expect(parseBootCmdline('quiet')).toEqual({ snapshot: undefined, fallback: false });
  });
  it('reads tu.fallback=1 from the recorded fallback boot', () => {
    expect(parseBootCmdline(readFileSync('fixtures/boot/proc-cmdline-fallback3.txt', 'utf8'))).toEqual({ snapshot: 3, fallback: true });
  });
  it('sees tu.fallback=1 only as a whole word', () => {
    expect(parseBootCmdline('root=UUID=x tu.snapshot=3 tu.fallback=1 ro')).toEqual({ snapshot: 3, fallback: true });
    expect(parseBootCmdline('tu.snapshot=3 xtu.fallback=1')).toEqual({ snapshot: 3, fallback: false });
  });
});
