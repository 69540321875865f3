import { describe, expect, it } from 'vitest';
import { decideSteadyState, parseHealth } from '../../../../src/reboot/fleet/health.js';

const since = '2026-11-22T04:00:00.000Z';

describe('the health-check verdict', () => {
  it('reads the file the health check writes', () => {
    expect(parseHealth('{"snapshot":7,"status":"pass","fallback":false,"at":"2026-11-22T04:05:00Z"}', '/s/health.json')).toEqual({
      snapshot: 7,
      status: 'pass',
      fallback: false,
      at: '2026-11-22T04:05:00Z',
    });
  });

  it('names the file and the field that is wrong', () => {
    expect(() => parseHealth('{"snapshot":7,"status":"ok","fallback":false,"at":"x"}', '/s/health.json')).toThrow(
      'the health-check result /s/health.json is unreadable: status is neither "pass" nor "fail"',
    );
    expect(() => parseHealth('{', '/s/health.json')).toThrow(/not JSON/);
  });

  it('releases after a passing check of this boot, also a fallback boot', () => {
    const healthy = { snapshot: 7, status: 'pass', fallback: false, at: '2026-11-22T04:05:00Z' } as const;
    expect(decideSteadyState(healthy, since)).toEqual({ kind: 'release', health: healthy });
    expect(decideSteadyState({ ...healthy, snapshot: 6, fallback: true }, since).kind).toBe('release');
  });

  it('keeps the slot without a verdict, with a stale one, or a failing one', () => {
    expect(decideSteadyState(undefined, since)).toEqual({ kind: 'keep', reason: 'no health-check result for this boot yet' });
    expect(decideSteadyState({ snapshot: 6, status: 'pass', fallback: false, at: '2026-11-22T03:00:00Z' }, since)).toEqual({
      kind: 'keep',
      reason: "the last health check (2026-11-22T03:00:00Z) ran before the slot was taken (2026-11-22T04:00:00.000Z); waiting for this boot's check",
    });
    expect(decideSteadyState({ snapshot: 7, status: 'fail', fallback: false, at: '2026-11-22T04:05:00Z' }, since)).toEqual({
      kind: 'keep',
      reason: 'the boot of snapshot 7 failed its health check; the slot stays taken until a healthy (rolled-back) boot',
    });
  });

  it('trusts a passing verdict when the node kept no record of taking the slot', () => {
    expect(decideSteadyState({ snapshot: 6, status: 'pass', fallback: false, at: '2020-01-01T00:00:00Z' }, undefined).kind).toBe('release');
  });
});
