/**
 * What the health check does after a boot, decided from gathered facts (pure).
 *
 * - A fallback boot (tu.fallback=1 and no soft-reboot since: GRUB ran out of attempts on the new snapshot): first roll
 *   both pointers back to the known-good snapshot that booted and record the failed snapshot's
 *   package set (decideFallbackRollback); then, on a pass, mark the booted snapshot known-good
 *   and reset the counter.
 * - A pass: the booted snapshot becomes known-good; the counter is reset.
 * - A failing check on a new snapshot: record its bad package set, make the known-good one
 *   the next boot, reboot once (a full reboot, also after a soft-reboot: GRUB and its boot
 *   counting take over). A failure on the known-good snapshot (or a second failure
 *   of the same snapshot) stops in a safe state: no more reboots, and it says so.
 */
import type { FailureReboot } from '../state.js';

export interface HealthFacts {
  /**
   * The snapshot mounted at / (BootIdentity.booted), never the kernel's command line alone: after
   * a soft-reboot that still names the snapshot the kernel booted. Undefined when / is none of
   * the tool's snapshots.
   */
  booted: number | undefined;
  /**
   * The running root came from a fallback entry (BootIdentity.fallbackBoot): a tu.fallback=1
   * left from the last full boot does not make a later soft-reboot one.
   */
  fallbackBoot: boolean;
  /** GRUB's pointer: the snapshot meant to boot. */
  pointer: number | undefined;
  knownGood: number | undefined;
  /** Names and messages of the checks that failed; empty on a pass. */
  failures: string[];
  /** Set when a failing check already made the tool reboot into the known-good snapshot. */
  failureReboot: FailureReboot | undefined;
}

export type HealthAction =
  | { kind: 'set-next-boot'; snapshot: number }
  | { kind: 'record-bad-set'; snapshot: number; reason: string }
  | { kind: 'mark-known-good'; snapshot: number }
  | { kind: 'reset-counter' }
  | { kind: 'remember-failure-reboot'; from: number; to: number }
  | { kind: 'forget-failure-reboot' }
  | { kind: 'refresh-menu' }
  | { kind: 'reboot' };

export interface HealthDecision {
  status: 'pass' | 'fail';
  fallback: boolean;
  /** Stopped without a way forward: no more reboots, the user must act. */
  safeState: boolean;
  actions: HealthAction[];
  /** One line for the user and the state file. */
  message: string;
}

/** The snapshot GRUB gave up on in a fallback boot: the pointer, when it names another one. */
function failedBeforeFallback(f: Pick<HealthFacts, 'booted' | 'pointer'>): number | undefined {
  return f.pointer !== undefined && f.pointer !== f.booted ? f.pointer : undefined;
}

/**
 * A fallback boot first rolls both pointers back to the known-good snapshot that booted and
 * records the failed snapshot's package set, before any check runs (a check may hang).
 */
export function decideFallbackRollback(f: Pick<HealthFacts, 'booted' | 'fallbackBoot' | 'pointer'>): HealthAction[] {
  if (!f.fallbackBoot || f.booted === undefined) return [];
  const failed = failedBeforeFallback(f);
  const actions: HealthAction[] = [{ kind: 'set-next-boot', snapshot: f.booted }];
  if (failed !== undefined) actions.push({ kind: 'record-bad-set', snapshot: failed, reason: 'did not complete a boot within its boot attempts' });
  return actions;
}

/** What to do once the checks have run (facts as they were before any rollback). */
export function decideHealth(f: HealthFacts): HealthDecision {
  const passed = f.failures.length === 0;
  const status = passed ? 'pass' : 'fail';
  if (f.booted === undefined) {
    return {
      status: 'fail',
      fallback: f.fallbackBoot,
      safeState: true,
      actions: [],
      message: 'the root is none of transactional-update’s snapshots; nothing was changed',
    };
  }
  const booted = f.booted;

  if (f.fallbackBoot) {
    // The rollback itself (decideFallbackRollback) was done before the checks ran.
    const failed = failedBeforeFallback(f);
    const what = failed !== undefined ? `snapshot ${failed} did not boot; fell back to known-good snapshot ${booted} and made it the default again` : `fell back to known-good snapshot ${booted}`;
    if (passed) {
      return {
        status,
        fallback: true,
        safeState: false,
        actions: [{ kind: 'mark-known-good', snapshot: booted }, { kind: 'reset-counter' }, { kind: 'forget-failure-reboot' }, { kind: 'refresh-menu' }],
        message: what,
      };
    }
    return {
      status,
      fallback: true,
      safeState: true,
      actions: [{ kind: 'reset-counter' }, { kind: 'refresh-menu' }],
      message: `${what}, but it fails its health check too (${f.failures.join('; ')}); staying up in a safe state without further reboots`,
    };
  }

  if (passed) {
    const actions: HealthAction[] = [{ kind: 'mark-known-good', snapshot: booted }];
    if (f.pointer === booted) actions.push({ kind: 'reset-counter' });
    actions.push({ kind: 'forget-failure-reboot' }, { kind: 'refresh-menu' });
    return { status, fallback: false, safeState: false, actions, message: `snapshot ${booted} is healthy and now known-good` };
  }

  const failures = f.failures.join('; ');
  const alreadyRebooted = f.failureReboot !== undefined && f.failureReboot.from === booted;
  if (f.knownGood !== undefined && f.knownGood !== booted && !alreadyRebooted) {
    return {
      status,
      fallback: false,
      safeState: false,
      actions: [
        { kind: 'record-bad-set', snapshot: booted, reason: `failed its health check: ${failures}` },
        { kind: 'set-next-boot', snapshot: f.knownGood },
        { kind: 'remember-failure-reboot', from: booted, to: f.knownGood },
        { kind: 'refresh-menu' },
        { kind: 'reboot' },
      ],
      message: `snapshot ${booted} failed its health check (${failures}); rebooting into known-good snapshot ${f.knownGood}`,
    };
  }
  const why =
    f.knownGood === undefined
      ? 'there is no known-good snapshot to fall back to'
      : f.knownGood === booted
        ? f.failureReboot
          ? `this is the second failure: snapshot ${f.failureReboot.from} failed before and known-good snapshot ${booted} fails now`
          : `it is the known-good snapshot`
        : `the tool already rebooted once because of it`;
  return {
    status,
    fallback: false,
    safeState: true,
    actions: f.pointer === booted ? [{ kind: 'reset-counter' }] : [],
    message: `snapshot ${booted} failed its health check (${failures}) and ${why}; staying up in a safe state without further reboots`,
  };
}
