/**
 * The health check's verdict on the current boot, read from <stateDir>/health.json, whose
 * format src/boot/state.ts defines (HealthResult; it writes the file) and this module
 * validates: snapshot (tu.snapshot of the boot), status, fallback (booted from a fallback
 * entry), at (when the check ran). A slot is given back only after a passing check newer than the
 * moment the slot was taken, so a verdict left over from the previous boot never counts.
 */
import { readTextIfExists } from '../../util/files.js';
import { join } from 'node:path';
import { TuError } from '../../errors.js';
import { HEALTH_FILE, type HealthResult } from '../../boot/state.js';

export { HEALTH_FILE };

/** What the fleet needs of the health check's result. */
export type HealthRecord = Pick<HealthResult, 'snapshot' | 'status' | 'fallback' | 'at'>;

export function healthPath(stateDir: string): string {
  return join(stateDir, HEALTH_FILE);
}

export function parseHealth(text: string, path: string): HealthRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw badHealth(path, 'not JSON');
  }
  const r = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof r.snapshot !== 'number' || !Number.isSafeInteger(r.snapshot)) throw badHealth(path, 'snapshot is not a number');
  if (r.status !== 'pass' && r.status !== 'fail') throw badHealth(path, 'status is neither "pass" nor "fail"');
  if (typeof r.fallback !== 'boolean') throw badHealth(path, 'fallback is not true or false');
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) throw badHealth(path, 'at is not a time');
  return { snapshot: r.snapshot, status: r.status, fallback: r.fallback, at: r.at };
}

/** The recorded verdict, or undefined when no check has run yet. */
export function readHealth(stateDir: string): HealthRecord | undefined {
  const path = healthPath(stateDir);
  const text = readTextIfExists(path);
  return text === undefined ? undefined : parseHealth(text, path);
}

function badHealth(path: string, why: string): TuError {
  return new TuError(`the health-check result ${path} is unreadable: ${why}`, {
    hint: "run 'transactional-update health-check' again",
  });
}

export type SteadyStateDecision =
  | { kind: 'release'; health: HealthRecord }
  | { kind: 'keep'; reason: string };

/** May a node that holds a slot (taken at takenSince, when known) give it back now? */
export function decideSteadyState(health: HealthRecord | undefined, takenSince: string | undefined): SteadyStateDecision {
  if (!health) return { kind: 'keep', reason: 'no health-check result for this boot yet' };
  if (takenSince !== undefined && Date.parse(health.at) < Date.parse(takenSince)) {
    return {
      kind: 'keep',
      reason: `the last health check (${health.at}) ran before the slot was taken (${takenSince}); waiting for this boot's check`,
    };
  }
  if (health.status === 'fail') {
    return {
      kind: 'keep',
      reason: `the boot of snapshot ${health.snapshot} failed its health check; the slot stays taken until a healthy (rolled-back) boot`,
    };
  }
  return { kind: 'release', health };
}
