/**
 * A transaction, top to bottom (docs/architecture.md "A transaction, step by step"): each step is a
 * function in its own file, and `faultPoint` names the moment after each (./faultPoint.ts).
 *
 *   prepare → clone → run → seal → manifest → commit → after-commit
 *
 * The commit point is the moment the first next-boot pointer names N (./commit.ts). Before
 * it, any failure abandons N in one place (./abandon.ts). After it nothing abandons or deletes
 * N: what is left undone is a warning that the next run repairs (./afterCommit.ts).
 */
import { rmSync } from 'node:fs';
import { errorMessage, InterruptedError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import type { System } from '../snapshots/system.js';
import { log } from '../util/log.js';
import { abandon, drop } from './abandon.js';
import { afterCommit } from './afterCommit.js';
import { clone } from './clone.js';
import { commit } from './commit.js';
import { faultPoint } from './faultPoint.js';
import { recordManifest } from './manifest.js';
import { prepare, type OpenTransaction } from './prepare.js';
import type { TransactionOutcome, TransactionRequest } from './request.js';
import { runSteps, type StepsResult } from './runSteps.js';
import { seal } from './seal.js';
import { watchSignals } from './signals.js';

export type { ShellMode, TransactionOutcome, TransactionRequest, TransactionStep } from './request.js';

export async function runTransaction(system: System, request: TransactionRequest): Promise<TransactionOutcome> {
  const tx = await prepare(system, request);
  using _lock = tx.lock;
  try {
    return await transact(system, request, tx);
  } finally {
    // Nothing of the transaction depends on it any more: a mount left behind is the next run's to sweep.
    await tx.topLevel.release().catch((error: unknown) => log.warn(`could not unmount the Btrfs top level (${errorMessage(error)}); the next run removes it`));
  }
}

async function transact(system: System, request: TransactionRequest, tx: OpenTransaction): Promise<TransactionOutcome> {
  using signals = watchSignals(request.shell?.terminal ?? false);
  let ran: StepsResult | undefined;
  let manifest: Manifest | undefined;
  const warnings: string[] = [];
  try {
    faultPoint('prepare');
    const etc = await clone(system, tx.base, tx.number);
    faultPoint('clone');
    signals.throwIfInterrupted();
    ran = await runSteps(system, tx, request, signals);
    faultPoint('run');
    if ((await seal(system, tx, request, etc)) === 'drop') {
      await drop(system, tx.number);
      return { status: 'dropped', number: tx.number, base: tx.base, rebootNeeded: false, messages: ran.messages, warnings: [] };
    }
    faultPoint('seal');
    signals.throwIfInterrupted();
    manifest = await recordManifest(system, tx, request, ran, etc);
    signals.throwIfInterrupted();
    await commit(system, tx);
  } catch (error) {
    if (!tx.committed) {
      await abandon(system, tx.number, request.keep, error);
      throw signals.signal && !(error instanceof InterruptedError) ? new InterruptedError(signals.signal) : error;
    }
    warnings.push(`snapshot ${tx.number} is the next boot, but ${errorMessage(error)}; the next run repairs it`);
    log.warn(warnings[0]!);
  } finally {
    rmSync(tx.requestDir, { recursive: true, force: true });
    rmSync(`${tx.requestDir}.stubs`, { recursive: true, force: true });
  }
  const rebootNeeded = ran?.rebootNeeded ?? false;
  warnings.push(...(await afterCommit(system, { number: tx.number, base: tx.base, rebootNeeded, manifest, defaultSet: tx.defaultSet })));
  return { status: 'committed', number: tx.number, base: tx.base, rebootNeeded, messages: ran?.messages ?? [], warnings };
}
