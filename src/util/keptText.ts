/**
 * A rendered text kept in a file under a key that names what it was made from, so that a
 * command can print it again instead of reading and rendering everything anew (the kept diff
 * text, the kept listing). Best effort on both sides: no text, a stale or torn one, or a
 * file system that cannot be written all mean "render it".
 *
 * File: one header line `<magic> <key bytes> <body bytes>`, then the key, then the body. A key
 * or body of another length (a torn write) or another key reads as nothing.
 */
import { closeSync, fstatSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readOpenFile } from './readOpenFile.js';

/** A header line is short; anything longer is not ours. */
const MAX_HEADER = 128;

/** The body kept in `file` under exactly `key`, or undefined. */
export function readKeptText(file: string, magic: string, key: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const data = readOpenFile(fd, st.size);
    const newline = data.subarray(0, MAX_HEADER).indexOf(0x0a);
    if (newline < 0) return undefined;
    const words = data.toString('latin1', 0, newline).split(' ');
    const bodyBytes = Number(words.pop());
    const keyBytes = Number(words.pop());
    if (words.join(' ') !== magic || !Number.isSafeInteger(keyBytes) || !Number.isSafeInteger(bodyBytes)) return undefined;
    const keyEnd = newline + 1 + keyBytes;
    if (data.length !== keyEnd + bodyBytes || data.toString('utf8', newline + 1, keyEnd) !== key) return undefined;
    return data.subarray(keyEnd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Keep `text` under `key`: written beside the file and renamed over it, never half-visible. */
export function writeKeptText(file: string, magic: string, key: string, text: string, mode: number): void {
  const keyBuffer = Buffer.from(key, 'utf8');
  const body = Buffer.from(text, 'utf8');
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([Buffer.from(`${magic} ${keyBuffer.length} ${body.length}\n`, 'latin1'), keyBuffer, body]), { mode });
    renameSync(temp, file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
  }
}
