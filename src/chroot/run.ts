/**
 * Runs a command in a chroot of a snapshot, inside new mount and PID namespaces tied to our
 * life: tu-enter (native/enter.c) dies with us (even on SIGKILL), and its child, the
 * namespace's PID 1, dies with it, which ends everything in the namespace and drops its
 * mounts. PID 1 is tini (outside the chroot), never the command: PID 1 ignores signals it has
 * no handler for.
 */
import { readFileSync } from 'node:fs';
import { builtFile } from '../util/addon.js';
import { spawn } from '../util/exec.js';
import { log } from '../util/log.js';
import { planArguments, type MountOp } from './plan.js';

export const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ChrootCommand {
  argv: string[];
  env?: Record<string, string>;
  /** Attach the user's terminal (stdin too); otherwise stdin is /dev/null unless stdinInherit. */
  interactive: boolean;
  /** Pass our stdin through even without a terminal (`shell` reading commands from stdin). */
  stdinInherit?: boolean;
  /** Ignore SIGINT in the tool while the command holds the terminal (interactive shell). */
  ignoreInterrupt?: boolean;
  /** Where the command's output goes: 'inherit' (the user's terminal) or 'stderr'. */
  output?: 'inherit' | 'stderr';
  /**
   * Pass stderr through a pipe and keep its end for the caller (a package manager's
   * refusal is read from it). Never for a shell: bash is interactive only on a terminal.
   */
  captureStderr?: boolean;
}

export interface ChrootResult {
  exitCode: number;
  /** The signal that made us stop the command (SIGINT/SIGTERM/SIGHUP to the tool). */
  interruptedBy?: NodeJS.Signals;
  /** The last STDERR_KEPT bytes of stderr, when captureStderr asked for them. */
  stderr?: string;
}

/** Enough for apt's error lines at the end of a long output. */
export const STDERR_KEPT = 64 * 1024;

const GRACE_MS = 10_000;

export function chrootEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: CHROOT_PATH,
    TRANSACTIONAL_UPDATE: 'true',
    LC_ALL: 'C.UTF-8',
    HOME: '/root',
    SHELL: '/bin/sh',
  };
  if (process.env.TERM) env.TERM = process.env.TERM;
  return { ...env, ...extra };
}

export async function runInChroot(snapshotRoot: string, plan: MountOp[], command: ChrootCommand): Promise<ChrootResult> {
  const args = [snapshotRoot, ...planArguments(plan), '--', ...command.argv];
  log.step(`run in chroot: ${command.argv.join(' ')}`);
  const child = spawn(builtFile('tu-enter'), args, {
    env: chrootEnvironment(command.env),
    extendEnv: false,
    stdin: command.interactive || command.stdinInherit ? 'inherit' : 'ignore',
    stdout: command.output === 'stderr' ? process.stderr : 'inherit',
    stderr: command.captureStderr ? 'pipe' : 'inherit',
    buffer: false,
    // We stop the namespace ourselves (SIGTERM to tini, then SIGKILL): execa must not race us.
    cleanup: false,
  });
  const kept = command.captureStderr ? teeStderr(child.stderr) : undefined;

  let interruptedBy: NodeJS.Signals | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && command.ignoreInterrupt) return;
    if (interruptedBy) return;
    interruptedBy = signal;
    log.step(`received ${signal}: stopping the command in the chroot`);
    const init = namespaceInit(child.pid);
    if (init) safeKill(init, 'SIGTERM');
    killTimer = setTimeout(() => child.pid && safeKill(child.pid, 'SIGKILL'), GRACE_MS);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    const result = await child;
    const exitCode = result.exitCode ?? (result.signal ? 128 + signalNumber(result.signal) : 1);
    return { exitCode, ...(interruptedBy ? { interruptedBy } : {}), ...(kept ? { stderr: kept.text() } : {}) };
  } finally {
    for (const s of signals) process.off(s, onSignal);
    if (killTimer) clearTimeout(killTimer);
  }
}

/** Copy a stream to our stderr as it comes, keeping its last STDERR_KEPT bytes. */
function teeStderr(stream: NodeJS.ReadableStream | null): { text(): string } {
  let chunks: Buffer[] = [];
  let size = 0;
  stream?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    chunks.push(chunk);
    size += chunk.length;
    if (size > 2 * STDERR_KEPT) {
      const joined = Buffer.concat(chunks).subarray(-STDERR_KEPT);
      chunks = [joined];
      size = joined.length;
    }
  });
  return { text: () => Buffer.concat(chunks).subarray(-STDERR_KEPT).toString('utf8') };
}

/** The namespace's PID 1 (tini) is tu-enter's only child. */
function namespaceInit(enterPid: number | undefined): number | undefined {
  if (!enterPid) return undefined;
  try {
    const children = readFileSync(`/proc/${enterPid}/task/${enterPid}/children`, 'utf8').trim().split(/\s+/);
    const pid = Number(children[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function signalNumber(signal: string): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return table[signal] ?? 0;
}
