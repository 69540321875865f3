/**
 * V8's code cache for the bundled command line, one file per command: without it, every start
 * pre-parses the whole bundle before the first line runs. The cache holds bytecode that runs
 * as root, so a file is used only when this user owns it and its directory and nobody else
 * may write either; anything else reads as "no cache".
 *
 * File: one header line, `tu-code-cache 1 <bundle hash> <node version> <arch>`, then V8's data.
 * V8 checks little more than the source length itself, hence the bundle's content hash.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMMAND_WORDS } from './commandWords.js';
import { readOpenFile } from '../util/readOpenFile.js';

export const DEFAULT_CODE_CACHE_DIR = '/var/cache/transactional-update';

export interface CodeCacheKey {
  /** Content hash of the bundle the data was made from. */
  bundleHash: string;
}

const MAX_CACHE_BYTES = 64 << 20;

function header(key: CodeCacheKey): string {
  return `tu-code-cache 1 ${key.bundleHash} ${process.version} ${process.arch}\n`;
}

/**
 * The cache file of a command (each command compiles different functions). Anything that is
 * not a command (none, a typo) ends in usage text, as help does, and shares help's file.
 */
export function codeCacheFile(dir: string, command: string | undefined): string {
  return join(dir, `${command !== undefined && COMMAND_WORDS.has(command) ? command : 'help'}.v8cache`);
}

function safe(st: Stats, uid: number): boolean {
  return st.uid === uid && (st.mode & 0o022) === 0;
}

/** V8's data for this key, or undefined (missing, made from another bundle or Node, or not safe to trust). */
export function readCodeCache(file: string, key: CodeCacheKey, uid = process.getuid?.() ?? -1): Buffer | undefined {
  let fd: number;
  try {
    if (!safe(statSync(dirname(file)), uid)) return undefined;
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || !safe(st, uid) || st.size > MAX_CACHE_BYTES) return undefined;
    const data = readOpenFile(fd, st.size);
    const expected = header(key);
    if (data.length <= expected.length || data.toString('latin1', 0, expected.length) !== expected) return undefined;
    return data.subarray(expected.length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Stores V8's data atomically (temporary file, then rename); a cache that cannot be written is no error. */
export function writeCodeCache(file: string, key: CodeCacheKey, data: Buffer): boolean {
  const dir = dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (!safe(statSync(dir), process.getuid?.() ?? -1)) return false;
    writeFileSync(temporary, Buffer.concat([Buffer.from(header(key), 'latin1'), data]), { mode: 0o644 });
    renameSync(temporary, file);
    return true;
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
    return false;
  }
}
