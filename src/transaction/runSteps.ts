/**
 * Step 3 (docs/architecture.md): run the request's steps in a chroot of N, in namespaces that die
 * with the tool. Our files go in for the time of the run (policy-rc.d, resolv.conf, the boot
 * loader stubs that only record requests) and come out again; nothing may stay mounted.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chrootBootStubs } from '../boot/index.js';
import type { ChrootFacts } from '../chroot/plan.js';
import { planMounts } from '../chroot/plan.js';
import { runInChroot } from '../chroot/run.js';
import { CommandFailedError, InterruptedError, MountsLeftBehind } from '../errors.js';
import type { FileChange } from '../manifest/types.js';
import type { System } from '../snapshots/system.js';
import { escapeControl } from '../util/escape.js';
import { log } from '../util/log.js';
import { currentMountPoints } from '../util/mountinfo.js';
import { gatherChrootFacts } from './chrootFacts.js';
import { watchFreeSpace } from './preflight.js';
import type { OpenTransaction } from './prepare.js';
import type { TransactionRequest } from './request.js';
import { markSharedSubvolumes, sharedWritesSince } from './sharedWrites.js';
import { shellStep } from './shellStep.js';
import type { SignalWatch } from './signals.js';
import { POLICY_RC_D, Supplements } from './supplements.js';

/** Where the chroot sees the request directory (the boot stubs write there). */
const REQUEST_DIR_INSIDE = '/run/transactional-update';

export interface StepsResult {
  rebootNeeded: boolean;
  messages: string[];
  /** Files the run wrote to shared subvolumes (they do not roll back). */
  sharedWrites: FileChange[];
}

export async function runSteps(system: System, tx: OpenTransaction, request: TransactionRequest, signals: SignalWatch): Promise<StepsResult> {
  const snapshot = system.store.paths(tx.number).snapshot;
  const supplements = new Supplements(snapshot);
  try {
    // Ours replaces whatever policy-rc.d the snapshot has: a permissive one of the system's
    // own must not let services start inside a transaction. It is put back afterwards.
    supplements.place('/usr/sbin/policy-rc.d', POLICY_RC_D, 0o755);
    supplements.add('/etc/resolv.conf', '', 0o644);
    const stubDir = `${tx.requestDir}.stubs`;
    mkdirSync(stubDir, { recursive: true });
    // A copy of the host's resolv.conf: writes inside must not reach the host.
    const resolvSource = existsSync('/etc/resolv.conf') ? join(stubDir, 'resolv.conf') : undefined;
    if (resolvSource) copyFileSync('/etc/resolv.conf', resolvSource);
    const facts = gatherChrootFacts({
      systemRoot: system.root,
      snapshotRoot: snapshot,
      ...(resolvSource ? { resolvSource } : {}),
      binds: [
        { source: tx.requestDir, inside: REQUEST_DIR_INSIDE, underRun: true },
        ...(request.runBinds ?? []).map((b) => ({ ...b, underRun: true })),
        ...bootStubBinds(supplements, stubDir),
      ],
    });
    const plan = planMounts(facts);
    const writeMarks = await markSharedSubvolumes(facts.sharedMounts);

    let rebootNeeded = false;
    const messages: string[] = [];
    using space = watchFreeSpace(system.root);
    for (const step of request.shell ? [shellStep(request.shell, tx.number)] : request.steps) {
      signals.throwIfInterrupted();
      log.step(`snapshot ${tx.number}: ${step.label}`);
      const { exitCode, interruptedBy, stderr } = await runInChroot(snapshot, plan, {
        argv: step.argv,
        env: step.env ?? {},
        interactive: request.interactive,
        ...(step.chroot ?? {}),
        output: request.output,
      });
      if (interruptedBy) throw new InterruptedError(interruptedBy);
      const verdict = step.verdict ? step.verdict(exitCode, stderr ?? '') : { ok: exitCode === 0 };
      if (verdict.message) messages.push(verdict.message);
      if (!verdict.ok) {
        const outcome = request.keep ? `snapshot ${tx.number} kept, marked failed` : 'nothing was changed';
        const userExitCode = request.propagateExitCode || request.shell ? exitCode : 1;
        space.throwIfRanOut(`${step.label} failed (exit ${exitCode})`, outcome, userExitCode);
        if (verdict.error) throw verdict.error(outcome);
        throw new CommandFailedError(`${step.label} failed (exit ${exitCode}); ${outcome}`, exitCode, { exitCode: userExitCode });
      }
      rebootNeeded ||= verdict.rebootNeeded ?? false;
    }
    signals.throwIfInterrupted();
    supplements.restoreAll();
    await verifyNothingMounted(snapshot);
    return { rebootNeeded, messages, sharedWrites: await sharedWritesSince(writeMarks, system.root) };
  } finally {
    supplements.restoreAll();
  }
}

/** update-grub, grub-install and the kernel hooks only record a request inside (docs/architecture.md "The next boot"). */
function bootStubBinds(supplements: Supplements, stubDir: string): ChrootFacts['binds'] {
  return chrootBootStubs(REQUEST_DIR_INSIDE).map((stub, i) => {
    const source = join(stubDir, `stub-${i}`);
    writeFileSync(source, stub.content, { mode: stub.mode });
    supplements.add(stub.pathInChroot, '', stub.mode);
    return { source, inside: stub.pathInChroot, underRun: false };
  });
}

/** Mounts live only in the namespace; a mount left below the snapshot on the host is a bug. */
export async function verifyNothingMounted(snapshotRoot: string): Promise<void> {
  const left = currentMountPoints().filter((m) => m === snapshotRoot || m.startsWith(`${snapshotRoot}/`));
  if (left.length > 0) throw new MountsLeftBehind(left.map(escapeControl));
}
