/**
 * Scratch directories under /run (a tmpfs on every systemd machine): on a booted snapshot the
 * root is read-only, and /tmp is part of it unless something mounts a tmpfs there.
 */
import { accessSync, constants, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function scratchDir(prefix: string): string {
  const base = '/run/transactional-update';
  try {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    accessSync(base, constants.W_OK);
    return mkdtempSync(join(base, prefix));
  } catch {
    return mkdtempSync(join(tmpdir(), prefix));
  }
}
