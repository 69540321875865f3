/**
 * `btrfs send --no-data` as a stream of parsed commands. The stream nominates what changed
 * between two read-only snapshots; src/manifest turns it into file changes.
 */
import { TuError } from '../errors.js';
import { run, spawn } from '../util/exec.js';
import { pacedChunks } from './pacedPipe.js';
import { parseSendStreamBatches, SendCommandType, type SendCommand } from './sendStream/index.js';

export interface SendOptions {
  /** Send-stream protocol version to ask for (btrfs-progs >= 6.0: --proto). Default: the tool's default (1). */
  proto?: 1 | 2;
  /** Send file data too (default false: --no-data, metadata and extent ranges only). */
  withData?: boolean;
}

export function sendArguments(subvol: string, parent: string | undefined, options: SendOptions = {}): string[] {
  return [
    'send',
    '-q',
    ...(options.withData ? [] : ['--no-data']),
    ...(options.proto ? ['--proto', String(options.proto)] : []),
    ...(parent ? ['-p', parent] : []),
    subvol,
  ];
}

/**
 * Parsed commands of `btrfs send --no-data [-p parent] subvol`, read incrementally from the
 * pipe, in batches (the commands each read from the pipe completed). Stopping the iteration
 * early kills btrfs. A failing btrfs becomes one TuError with its stderr.
 */
export async function* sendStreamBatches(
  subvol: string,
  parent?: string,
  options: SendOptions = {},
): AsyncGenerator<SendCommand[], void, undefined> {
  const args = sendArguments(subvol, parent, options);
  const child = spawn('btrfs', args, { buffer: { stdout: false, stderr: true }, stdin: 'ignore', stripFinalNewline: true });
  let finished = false;
  try {
    try {
      yield* parseSendStreamBatches(pacedChunks(child.stdout!));
    } catch (error) {
      // A btrfs that failed writes nothing useful: its own message explains better than ours.
      const result = await child;
      if (result.exitCode !== 0) throw sendFailure(subvol, result.exitCode, result.stderr);
      throw error;
    }
    const result = await child;
    finished = true;
    if (result.exitCode !== 0) throw sendFailure(subvol, result.exitCode, result.stderr);
  } finally {
    if (!finished && child.exitCode === null) {
      child.kill('SIGTERM');
      await child.catch(() => undefined);
    }
  }
}

/** As sendStreamBatches, one command at a time. */
export async function* sendStream(
  subvol: string,
  parent?: string,
  options: SendOptions = {},
): AsyncGenerator<SendCommand, void, undefined> {
  for await (const batch of sendStreamBatches(subvol, parent, options)) yield* batch;
}

function sendFailure(subvol: string, exitCode: number | undefined, stderr: unknown): TuError {
  const text = typeof stderr === 'string' ? stderr : '';
  const last = text.trim().split('\n').filter(Boolean).pop() ?? '';
  return new TuError(`btrfs send of ${subvol} failed (exit ${exitCode ?? '?'})${last ? `: ${last}` : ''}`, {
    hint: 'both snapshots must be read-only subvolumes of one btrfs file system',
    detail: text,
  });
}

/** Commands that say nothing about a change visible in the tree: headers, end, times. */
const NEUTRAL = new Set<number>([SendCommandType.SUBVOL, SendCommandType.SNAPSHOT, SendCommandType.UTIMES, SendCommandType.END]);

/** True for a command that nominates a change (anything but headers, end and utimes). */
export function isChangeCommand(command: SendCommand): boolean {
  return !NEUTRAL.has(command.type);
}

/**
 * True when the stream from base to next holds any command other than timestamps, headers
 * and end. Stops (and kills btrfs) at the first such command. A rewrite with identical
 * content still counts here; src/manifest's computeFileChanges is the exact answer.
 */
export async function hasChanges(base: string, next: string): Promise<boolean> {
  for await (const command of sendStream(next, base)) {
    if (isChangeCommand(command)) return true;
  }
  return false;
}

/** The raw `btrfs send --no-data -p parent subvol` into /dev/null (the benchmark's baseline). */
export async function sendToNull(subvol: string, parent?: string, options: SendOptions = {}): Promise<void> {
  await run('btrfs', [...sendArguments(subvol, parent, options).slice(0, -1), '-f', '/dev/null', subvol]);
}
