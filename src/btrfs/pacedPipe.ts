/**
 * Reading a pipe whose writer sends many small pieces, in fewer, larger reads.
 *
 * The kernel writes a send stream one command at a time: read as fast as it fills, the pipe
 * gives about 40,000 reads of 130 bytes for 30,000 changed paths, and Node spends more on the
 * reads (a callback, a Buffer and a promise each) than on parsing them. Here, once the stream
 * has shown it is long, a small read is followed by a short wait in which Node does not read
 * (high-water mark 0: it stops after every read), so the pipe fills and the next read takes
 * tens of kilobytes. A large read means the writer is fast: no wait then, so the pipe (64 KiB)
 * never holds up the writer for long. Short streams (a small change) are never delayed.
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** Bytes read before pacing starts: a stream this short ends before a wait would pay off. */
const PACE_AFTER_BYTES = 64 * 1024;
/** Reads at least this large are left alone. */
const LARGE_READ = 32 * 1024;

export function waitAfterRead(totalBytes: number, readBytes: number): number {
  if (totalBytes < PACE_AFTER_BYTES || readBytes >= LARGE_READ) return 0;
  return readBytes < LARGE_READ / 2 ? 3 : 1;
}

export async function* pacedChunks(stream: Readable): AsyncGenerator<Buffer, void, undefined> {
  // No public option sets a child process pipe's high-water mark; without this field (another
  // Node) the reads are just smaller.
  const state = (stream as unknown as { _readableState?: { highWaterMark: number } })._readableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = 0;
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    yield chunk;
    const wait = waitAfterRead(total, chunk.length);
    if (wait > 0) await sleep(wait);
  }
}
