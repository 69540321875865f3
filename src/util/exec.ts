/**
 * The one subprocess wrapper: execa with argument arrays, never a shell string.
 * Every call is logged as a detail line; failures become TuError with the tool's stderr as
 * detail, so the user sees one line and --verbose shows the rest.
 */
import { execa, execaSync, type Options, type ResultPromise, type SyncOptions } from 'execa';
import { CommandMissing, TuError } from '../errors.js';
import { packageOf } from './commandPackages.js';
import { log } from './log.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** Do not throw on a non-zero exit; the caller reads exitCode. */
  reject?: boolean;
  /** Inherit stdio (interactive programs). */
  inherit?: boolean;
  /** Return stdout as a Buffer instead of text. */
  binary?: boolean;
  timeoutMs?: number;
  /** Replace the environment instead of extending process.env. */
  cleanEnv?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  signal: string | undefined;
}

export function describeCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  log.detail(`exec: ${describeCommand(file, args)}`);
  return checked(file, args, options, await execa(file, args, toExecaOptions(options)));
}

function checked(
  file: string,
  args: readonly string[],
  options: RunOptions,
  result: { stdout?: unknown; stderr?: unknown; exitCode?: number; signal?: string; code?: string },
): RunResult {
  // A caller that reads the exit code itself (reject: false) decides what a missing program means.
  if (result.code === 'ENOENT' && result.exitCode === undefined && options.reject !== false) throw new CommandMissing(file, packageOf(file));
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  const exitCode = result.exitCode ?? (result.signal ? 128 : 1);
  if (exitCode !== 0 && options.reject !== false) {
    throw new TuError(`${file} failed (exit ${exitCode})${firstLine(stderr) ? `: ${firstLine(stderr)}` : ''}`, {
      detail: `${describeCommand(file, args)}\n${stderr}`,
      exitCode: 1,
    });
  }
  return { exitCode, stdout, stderr, signal: result.signal ?? undefined };
}

/**
 * run() for a short query whose answer is needed at once (a few milliseconds of the
 * program's own time): the synchronous call costs the main thread far less than the
 * asynchronous one sets up.
 */
export function runSync(file: string, args: readonly string[], options: Omit<RunOptions, 'input' | 'inherit'> = {}): RunResult {
  log.detail(`exec: ${describeCommand(file, args)}`);
  return checked(file, args, options, execaSync(file, args, commonOptions(options)));
}

/** Start a process and hand back the live subprocess (streams, pid). */
export function spawn(file: string, args: readonly string[], options: Options = {}): ResultPromise {
  log.detail(`spawn: ${describeCommand(file, args)}`);
  return execa(file, args, { reject: false, ...options });
}

/** What run() and runSync() tell execa alike. */
function commonOptions(options: RunOptions): SyncOptions & Options {
  return {
    cwd: options.cwd,
    env: options.env,
    extendEnv: !options.cleanEnv,
    reject: false,
    timeout: options.timeoutMs,
    stripFinalNewline: true,
  };
}

function toExecaOptions(options: RunOptions): Options {
  return { ...commonOptions(options), input: options.input, stdio: options.inherit ? 'inherit' : undefined };
}

function firstLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop()?.slice(0, 300) ?? '';
}

/** True when the program exists on PATH. */
export async function commandExists(file: string): Promise<boolean> {
  const result = await execa('sh', ['-c', 'command -v "$1"', 'sh', file], { reject: false });
  return result.exitCode === 0;
}
