/**
 * Is this error a full disk? ENOSPC and EDQUOT from a system call, SQLITE_FULL from the
 * index or the lock, or a tool that said "No space left on device" (btrfs, cp, dpkg). The
 * CLI's top-level handler turns any of them into NotEnoughSpace: a full disk is a full disk,
 * never an "internal error".
 */
import { NotEnoughSpace, TuError, errorMessage } from '../errors.js';
import { escapeControl } from './escape.js';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const FULL_TEXT = /No space left on device|Disk quota exceeded|database or disk is full/i;

export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof NotEnoughSpace) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
    if (e instanceof TuError && FULL_TEXT.test(`${e.message}\n${e.detail ?? ''}`)) return true;
  }
  return false;
}

/**
 * The error as a user should see it: NotEnoughSpace when it is a full disk (naming the file
 * system when known), otherwise unchanged.
 */
export function asNotEnoughSpace(error: unknown, where?: string): unknown {
  if (error instanceof NotEnoughSpace || !isDiskFull(error)) return error;
  const place = where === undefined ? 'the file system' : `the file system of ${escapeControl(where)}`;
  return new NotEnoughSpace(`${place} is full`, { detail: escapeControl(errorMessage(error)), cause: error });
}
