/**
 * Standard output without process.stdout: the stream Node makes for it on first use (a
 * net.Socket for a pipe) costs a short command about 8 ms of CPU, more than `list` spends on
 * some of its work. Results are written with write(2) on descriptor 1 instead.
 */
import { readlinkSync, writeSync } from 'node:fs';
import { nativeAddon } from './addon.js';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of `data`. A descriptor that whoever started us left non-blocking answers EAGAIN
 * while its reader is behind: wait a moment and go on. A reader that went away (`list | head`)
 * ends the output, and the command, quietly, as a closed pipe does for any Unix tool.
 */
export function writeStdout(data: string | Uint8Array): void {
  let rest = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    }
  }
}

/**
 * Whether a descriptor is a terminal: isatty(3) through the tool's addon, without node:tty,
 * which loads net with it (a few milliseconds of every command that asks).
 */
export function isTerminal(fd = 1): boolean {
  return nativeAddon().isTerminal(fd);
}

/**
 * Whether a descriptor is a terminal device, from what /proc says it is open on (a pts, a
 * virtual console, a serial line, the console), without loading anything: for the choice of
 * colours, which every command that prints makes (the addon costs a short command about 2 ms
 * to load). Where /proc cannot tell, isatty(3) answers.
 */
export function looksLikeTerminal(fd = 1): boolean {
  let target: string;
  try {
    target = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return isTerminal(fd);
  }
  return /^\/dev\/(pts\/\d+|tty\w*|console)$/.test(target);
}
