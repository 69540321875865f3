/** Recorded real send streams (fixtures/send-streams, made by test/integration's scenario). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseSendStream, type SendCommand } from '../../../../src/btrfs/sendStream/index.js';

export const STREAMS = join(import.meta.dirname, '../../../../fixtures/send-streams');

export function streamBytes(name: string): Buffer {
  return readFileSync(join(STREAMS, name));
}

/** btrfs receive --dump of the same stream: one line per command (END is not printed). */
export function dumpLines(name: string): { command: string; path: string }[] {
  return readFileSync(join(STREAMS, name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [command, path] = line.split(/\s+/);
      return { command: command!, path: path! };
    });
}

/** Feed bytes to the parser in chunks of `size` (1 byte stresses every boundary). */
export async function parseChunked(bytes: Buffer, size: number): Promise<SendCommand[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: SendCommand[] = [];
  for await (const c of parseSendStream(Readable.from(chunks))) out.push(c);
  return out;
}

/** btrfs receive --dump writes paths with C escapes (\n, \ooo) under ./<subvol>/. */
export function dumpPathBytes(path: string): string {
  const simple: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', ' ': ' ' };
  const unescaped = path.replace(/\\([0-7]{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e, 8)) : simple[e] ?? e));
  return Buffer.from(unescaped, 'latin1').toString('latin1').replace(/^\.\/next\/?/, '');
}
