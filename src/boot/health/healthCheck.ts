/**
 * `health-check`: gather facts, run the checks, decide (healthDecision.ts), act, and write
 * <stateDir>/health.json for status and the fleet engine.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { resolveSettings } from '../../config/settings.js';
import { readInstalledPackages } from '../../pkg/installed.js';
import { errorMessage } from '../../errors.js';
import { log } from '../../util/log.js';
import type { System } from '../../snapshots/system.js';
import { readBootIdentity, type BootIdentity, type BootIdentitySources } from '../bootIdentity.js';
import { resetBootCounter } from '../grub/counter.js';
import { decideFallbackRollback, decideHealth, type HealthAction, type HealthDecision } from './healthDecision.js';
import { checkRoot, checkSubvolumes, healthScripts, runHealthScript, type CheckResult } from './healthChecks.js';
import { refreshBootMenu } from '../grub/menu.js';
import { readGrubPointer, setNextBoot } from '../pointers.js';
import { hasGrubDir, readBootSettings } from '../settings.js';
import {
  FAILURE_REBOOT_FILE,
  lastKnownGood,
  markKnownGood,
  packageSetKey,
  readFailureReboot,
  recordBadPackageSet,
  writeHealthResult,
  writeJson,
  type HealthResult,
} from '../state.js';
import { withTopLevel } from '../topLevel.js';

export interface HealthCheckOptions extends BootIdentitySources {
  /** Restart the machine (the reboot module's systemd method on a real system). */
  reboot: () => Promise<void>;
  timeoutMs?: number;
}

export interface HealthCheckOutcome extends HealthDecision {
  checks: CheckResult[];
  snapshot: number | undefined;
  identity: BootIdentity;
}

function defaultTimeout(root: string): number {
  try {
    return resolveSettings(loadConfig({ root })).healthCheckTimeoutMs;
  } catch {
    return 5 * 60_000;
  }
}

export async function runChecks(system: System, identity: BootIdentity, timeoutMs: number): Promise<CheckResult[]> {
  const checks: CheckResult[] = [checkRoot(identity), await checkSubvolumes(system)];
  for (const script of healthScripts(system.root)) checks.push(await runHealthScript(script, timeoutMs));
  return checks;
}

export async function healthCheck(system: System, options: HealthCheckOptions): Promise<HealthCheckOutcome> {
  // The running snapshot is what is mounted at / (a soft-reboot leaves the kernel's command line
  // naming the snapshot the kernel booted); the command line only says how the kernel booted.
  const identity = readBootIdentity(system.booted, options);
  if (identity.softReboot) log.step(`health check: snapshot ${identity.softReboot.to} was soft-rebooted into from snapshot ${identity.softReboot.from}`);
  const pointer = await readGrubPointer(system);
  const facts = { booted: identity.booted, fallbackBoot: identity.fallbackBoot, pointer };
  await act(system, decideFallbackRollback(facts), options);
  const checks = await runChecks(system, identity, options.timeoutMs ?? defaultTimeout(system.root));
  for (const c of checks) log.step(`health check ${c.name}: ${c.ok ? 'ok' : 'FAILED'} (${c.message})`);
  const decision = decideHealth({
    ...facts,
    knownGood: lastKnownGood(system.stateDir, (n) => system.store.has(n)),
    failures: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`),
    failureReboot: readFailureReboot(system.stateDir),
  });
  const result: HealthResult = {
    snapshot: identity.booted ?? 0,
    status: decision.status,
    fallback: decision.fallback,
    ...(identity.softReboot ? { softReboot: { from: identity.softReboot.from } } : {}),
    at: new Date().toISOString(),
    failures: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`),
    action: decision.message,
  };
  // The result is on disk before anything restarts the machine.
  writeHealthResult(system.stateDir, result);
  await act(system, decision.actions, options);
  return { ...decision, checks, snapshot: identity.booted, identity };
}

async function act(system: System, actions: HealthAction[], options: HealthCheckOptions): Promise<void> {
  for (const action of actions) {
    log.step(`health check: ${action.kind}${'snapshot' in action ? ` ${action.snapshot}` : ''}`);
    switch (action.kind) {
      case 'set-next-boot':
        await setNextBoot(system, action.snapshot);
        break;
      case 'record-bad-set':
        await recordBadSet(system, action.snapshot, action.reason);
        break;
      case 'mark-known-good':
        markKnownGood(system.stateDir, action.snapshot);
        break;
      case 'reset-counter':
        await withTopLevel(system, async (top) => {
          if (hasGrubDir(top)) await resetBootCounter(system, readBootSettings(top));
        });
        break;
      case 'remember-failure-reboot':
        writeJson(system.stateDir, FAILURE_REBOOT_FILE, { from: action.from, to: action.to, at: new Date().toISOString() });
        break;
      case 'forget-failure-reboot':
        rmSync(join(system.stateDir, FAILURE_REBOOT_FILE), { force: true });
        break;
      case 'refresh-menu':
        await refreshBootMenu(system);
        break;
      case 'reboot':
        await options.reboot();
        break;
    }
  }
}

async function recordBadSet(system: System, snapshot: number, reason: string): Promise<void> {
  if (!system.store.has(snapshot)) return;
  try {
    const packages = await readInstalledPackages(system.store.paths(snapshot).snapshot);
    // A set the known-good snapshot runs too is not what broke the boot: never refuse it later.
    const good = lastKnownGood(system.stateDir, (n) => n !== snapshot && system.store.has(n));
    const goodSet = good === undefined ? undefined : await readInstalledPackages(system.store.paths(good).snapshot).catch(() => undefined);
    if (goodSet && packageSetKey(goodSet) === packageSetKey(packages)) {
      log.step(`snapshot ${snapshot} has the package set of known-good snapshot ${good}: not recorded as bad`);
      return;
    }
    recordBadPackageSet(system.stateDir, { snapshot, at: new Date().toISOString(), reason, packages });
  } catch (error) {
    // Falling back matters more than the record: say so and go on.
    log.warn(`could not read the package set of snapshot ${snapshot}: ${errorMessage(error)}`);
  }
}
