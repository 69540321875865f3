/**
 * A transaction (DESIGN.md "A transaction, step by step"): snapshot the base, run the steps
 * in a chroot of the new snapshot, and only when all of it succeeded close the snapshot
 * (read-only, manifest, next boot). Whatever fails, the new snapshot is discarded (or kept,
 * read-only and marked failed, with --keep) in exactly one place: `abandon`.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import * as btrfs from '../btrfs/btrfs.js';
import { CommandFailedError, InterruptedError, SnapshotNotFoundError, TuError } from '../errors.js';
import { planMounts } from '../chroot/plan.js';
import { runInChroot, type ChrootCommand } from '../chroot/run.js';
import { currentMountPoints } from '../util/mountinfo.js';
import { FAILED_KEY, IN_PROGRESS_KEY, MARKER_KEY } from '../snapshots/store.js';
import { defaultSnapshot, type System } from '../snapshots/system.js';
import { log } from '../util/log.js';
import { gatherChrootFacts } from './chrootFacts.js';
import { acquireLock } from './lock.js';
import { checkFreeSpace, checkNamespaces, refuseNesting, watchFreeSpace } from './preflight.js';
import { recoverCrashedTransactions } from './recovery.js';
import { POLICY_RC_D, Supplements } from './supplements.js';
import { closeSnapshot, type TransactionHooks } from './close.js';
import { snapshotHasChanges } from './changeCheck.js';
import { markSharedSubvolumes, sharedWritesSince } from './sharedWrites.js';

export interface TransactionStep {
  argv: string[];
  env?: Record<string, string>;
  label: string;
  /** Judge the exit code (package managers have their own tables); default: 0 is success. */
  verdict?: (exitCode: number) => { ok: boolean; rebootNeeded?: boolean; message?: string };
  /** How the step meets the terminal, when it differs from the request's. */
  chroot?: Pick<ChrootCommand, 'interactive' | 'stdinInherit' | 'ignoreInterrupt'>;
}

export interface ShellMode {
  /** stdin is a terminal: interactive shell, and a non-zero exit asks before discarding. */
  terminal: boolean;
}

/**
 * The user's shell in the chroot; on a terminal a non-zero exit asks whether to discard the
 * snapshot (answering no keeps it: the wrapper then exits 0). $1 is "ask" on a terminal.
 */
function shellStep(shell: ShellMode, number: number): TransactionStep {
  return {
    argv: ['/bin/sh', '-c', SHELL_WRAPPER, 'transactional-update-shell', shell.terminal ? 'ask' : 'no'],
    env: { PS1: `transactional-update ${number}:\\w # ` },
    label: 'shell',
    // On a terminal the discard question comes from inside the chroot: the shell's process
    // group holds the terminal, and ours may no longer read it once the shell has exited.
    chroot: { interactive: shell.terminal, stdinInherit: true, ignoreInterrupt: shell.terminal },
  };
}

const SHELL_WRAPPER = [
  'if command -v bash >/dev/null 2>&1; then bash; else /bin/sh; fi',
  'rc=$?',
  'if [ "$rc" -ne 0 ] && [ "$1" = ask ]; then',
  '  printf "The shell exited with %s. Discard the new snapshot? [Y/n] " "$rc" >&2',
  '  read -r answer || answer=y',
  '  case $answer in n|N|no|No|NO) exit 0 ;; esac',
  'fi',
  'exit "$rc"',
].join('\n');

export interface TransactionRequest {
  description: string;
  commandLine: string[];
  /** Base: the booted snapshot, or with --continue a number or the current default. */
  continueFrom?: number | 'default';
  dropIfNoChange: boolean;
  keep: boolean;
  /** Steps get the user's terminal. */
  interactive: boolean;
  steps: TransactionStep[];
  shell?: ShellMode;
  packageManager?: string;
  /** Host directories to bind into the chroot under /run (local package files). */
  runBinds?: Array<{ source: string; inside: string }>;
  /** Exit with the command's own code when it fails (`run`, `shell`); otherwise 1. */
  propagateExitCode?: boolean;
  /** Where step output goes: the terminal, or stderr when stdout carries --json. */
  output?: 'inherit' | 'stderr';
}

export type TransactionStatus = 'committed' | 'dropped';

export interface TransactionOutcome {
  status: TransactionStatus;
  number: number;
  base: number;
  rebootNeeded: boolean;
  messages: string[];
}

export async function runTransaction(system: System, request: TransactionRequest, hooks: TransactionHooks): Promise<TransactionOutcome> {
  refuseNesting();
  await checkNamespaces();
  using _lock = acquireLock(system.stateDir);
  await recoverCrashedTransactions(system);
  await checkFreeSpace(system.store.dir);

  const signals = watchSignals(request.shell?.terminal ?? false);
  const startedAt = new Date();
  const base = await chooseBase(system, request.continueFrom);
  await hooks.beforeStart?.(system, base);
  const number = system.store.reserve({
    type: 'single',
    date: startedAt,
    description: request.description,
    cleanup: 'number',
    userdata: { [MARKER_KEY]: 'yes', [IN_PROGRESS_KEY]: 'yes' },
  });
  log.step(`snapshot ${number}: ${request.description} (base ${base})`);
  const paths = system.store.paths(number);
  const supplements = new Supplements(paths.snapshot);
  const requestDir = mkdtempSync(join('/run', `tu-requests-${number}-`));
  let closed = false;
  try {
    await cloneBase(system, base, number);
    signals.throwIfInterrupted();

    // Ours replaces whatever policy-rc.d the snapshot has: a permissive one of the system's
    // own must not let services start inside a transaction. It is put back afterwards.
    supplements.place('/usr/sbin/policy-rc.d', POLICY_RC_D, 0o755);
    supplements.add('/etc/resolv.conf', '', 0o644);
    const stubDir = `${requestDir}.stubs`;
    mkdirSync(stubDir, { recursive: true });
    const stubBinds = hooks.chrootStubs?.(paths.snapshot, supplements, stubDir) ?? [];
    // A copy of the host's resolv.conf: writes inside must not reach the host.
    const resolvSource = existsSync('/etc/resolv.conf') ? join(stubDir, 'resolv.conf') : undefined;
    if (resolvSource) copyFileSync('/etc/resolv.conf', resolvSource);
    const facts = gatherChrootFacts({
      systemRoot: system.root,
      snapshotRoot: paths.snapshot,
      ...(resolvSource ? { resolvSource } : {}),
      binds: [
        { source: requestDir, inside: '/run/transactional-update', underRun: true },
        ...(request.runBinds ?? []).map((b) => ({ ...b, underRun: true })),
        ...stubBinds,
      ],
    });
    const plan = planMounts(facts);
    const writeMarks = await markSharedSubvolumes(facts.sharedMounts);

    let rebootNeeded = false;
    const messages: string[] = [];
    const steps = request.shell ? [shellStep(request.shell, number)] : request.steps;
    using space = watchFreeSpace(system.root);
    for (const step of steps) {
      signals.throwIfInterrupted();
      log.step(`snapshot ${number}: ${step.label}`);
      const { exitCode, interruptedBy } = await runInChroot(paths.snapshot, plan, {
        argv: step.argv,
        env: step.env ?? {},
        interactive: request.interactive,
        ...(step.chroot ?? {}),
        output: request.output,
      });
      if (interruptedBy) throw new InterruptedError(interruptedBy);
      const verdict = step.verdict ? step.verdict(exitCode) : { ok: exitCode === 0 };
      if (verdict.message) messages.push(verdict.message);
      if (!verdict.ok) {
        const outcome = request.keep ? `snapshot ${number} kept, marked failed` : 'nothing was changed';
        space.throwIfRanOut(`${step.label} failed (exit ${exitCode})`, outcome, request.propagateExitCode || request.shell ? exitCode : 1);
        throw new CommandFailedError(`${step.label} failed (exit ${exitCode}); ${outcome}`, exitCode, {
          exitCode: request.propagateExitCode || request.shell ? exitCode : 1,
        });
      }
      rebootNeeded ||= verdict.rebootNeeded ?? false;
    }
    signals.throwIfInterrupted();
    supplements.restoreAll();
    await verifyNothingMounted(paths.snapshot);
    const sharedWrites = await sharedWritesSince(writeMarks, system.root);

    await btrfs.setReadOnly(paths.snapshot, true);
    await btrfs.snapshotSubvolume(paths.snapshotEtc, paths.etc, { readOnly: true });
    signals.throwIfInterrupted();

    if (request.dropIfNoChange && !(await snapshotHasChanges(system, base, number))) {
      log.step(`snapshot ${number}: no change, dropped (--drop-if-no-change)`);
      await system.store.delete(number);
      closed = true;
      return { status: 'dropped', number, base, rebootNeeded: false, messages };
    }

    await closeSnapshot(system, {
      number,
      base,
      requestDir,
      provenance: {
        commandLine: request.commandLine,
        user: safeUser(),
        startedAt: startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        exitStatus: 0,
        baseNumber: base,
        packageManager: request.packageManager ?? null,
      },
      rebootNeeded,
      sharedWrites,
    }, hooks);
    closed = true;
    return { status: 'committed', number, base, rebootNeeded, messages };
  } catch (error) {
    supplements.restoreAll();
    await abandon(system, number, request.keep, error);
    closed = true;
    throw signals.signal && !(error instanceof InterruptedError) ? new InterruptedError(signals.signal) : error;
  } finally {
    signals.dispose();
    rmSync(requestDir, { recursive: true, force: true });
    rmSync(`${requestDir}.stubs`, { recursive: true, force: true });
    if (!closed) await abandon(system, number, false, undefined);
  }
}

/** The one place a transaction is abandoned: delete, or keep read-only and marked failed. */
async function abandon(system: System, number: number, keep: boolean, error: unknown): Promise<void> {
  log.step(`snapshot ${number}: abandoned (${error instanceof Error ? error.message : 'interrupted'})`);
  try {
    await verifyNothingMounted(system.store.paths(number).snapshot);
    if (keep && existsSync(system.store.paths(number).snapshot)) {
      const paths = system.store.paths(number);
      await btrfs.setReadOnly(paths.snapshot, true);
      if (existsSync(paths.snapshotEtc) && !existsSync(paths.etc)) {
        await btrfs.snapshotSubvolume(paths.snapshotEtc, paths.etc, { readOnly: true });
      }
      system.store.updateUserdata(number, (ud) => {
        delete ud[IN_PROGRESS_KEY];
        ud[FAILED_KEY] = 'yes';
      });
    } else {
      await system.store.delete(number);
    }
  } catch (cleanupError) {
    log.warn(`could not clean up snapshot ${number}: ${String(cleanupError)}; 'transactional-update cleanup' will retry`);
  }
}

async function chooseBase(system: System, continueFrom: TransactionRequest['continueFrom']): Promise<number> {
  if (continueFrom === undefined) {
    if (system.booted === undefined) {
      throw new TuError('the booted system is not one of the snapshots', { hint: "use --continue to start from the default snapshot" });
    }
    return system.booted;
  }
  const number = continueFrom === 'default' ? await defaultSnapshot(system) : continueFrom;
  if (number === undefined) throw new TuError('the default subvolume is not one of the snapshots');
  const record = system.store.has(number) ? system.store.read(number) : undefined;
  if (!record || !record.complete || record.inProgress) throw new SnapshotNotFoundError(number);
  return number;
}

/**
 * N/snapshot: a writable snapshot of the base's root. /etc, a nested subvolume, is not part of
 * a btrfs snapshot. N/etc.start is the merge base: a read-only snapshot of the running /etc
 * when the base is booted (so hand edits made before are carried in), or with --continue the
 * base's own etc.start. N/snapshot/etc is a writable snapshot of the base's /etc as it is now.
 */
async function cloneBase(system: System, base: number, number: number): Promise<void> {
  const from = system.store.paths(base);
  const to = system.store.paths(number);
  await btrfs.snapshotSubvolume(from.snapshot, to.snapshot, { readOnly: false });
  if (existsSync(to.snapshotEtc)) rmdirSync(to.snapshotEtc);
  if (base === system.booted) {
    await btrfs.snapshotSubvolume(join(system.root, 'etc'), to.etcStart, { readOnly: true });
    await btrfs.snapshotSubvolume(to.etcStart, to.snapshotEtc, { readOnly: false });
  } else {
    await btrfs.snapshotSubvolume(existsSync(from.etcStart) ? from.etcStart : from.etc, to.etcStart, { readOnly: true });
    await btrfs.snapshotSubvolume(from.etc, to.snapshotEtc, { readOnly: false });
  }
}

/** Mounts live only in the namespace; a mount left below the snapshot on the host is a bug. */
async function verifyNothingMounted(snapshotRoot: string): Promise<void> {
  const left = currentMountPoints().filter((m) => m === snapshotRoot || m.startsWith(`${snapshotRoot}/`));
  if (left.length > 0) throw new TuError(`mounts left below ${snapshotRoot}: ${left.join(', ')}`);
}

function safeUser(): string {
  try {
    return process.env.SUDO_USER ? `${process.env.SUDO_USER} (sudo)` : userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

interface SignalWatch {
  signal: NodeJS.Signals | undefined;
  throwIfInterrupted(): void;
  dispose(): void;
}

/** SIGINT/SIGTERM/SIGHUP during a transaction end it cleanly instead of killing the tool. */
function watchSignals(ignoreInterrupt: boolean): SignalWatch {
  const watch: SignalWatch = {
    signal: undefined,
    throwIfInterrupted() {
      if (watch.signal) throw new InterruptedError(watch.signal);
    },
    dispose() {
      for (const s of names) process.off(s, handler);
    },
  };
  const names: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handler = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && ignoreInterrupt) return;
    watch.signal ??= signal;
  };
  for (const s of names) process.on(s, handler);
  return watch;
}

