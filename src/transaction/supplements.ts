/**
 * Files we put into a snapshot for the time of a transaction (policy-rc.d, an empty
 * resolv.conf to bind over) and remove again before the snapshot is judged and closed.
 */
import { existsSync, lstatSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Forbids invoke-rc.d (and deb-systemd-invoke, which asks it) to start services (exit 101). */
export const POLICY_RC_D = '#!/bin/sh\n# transactional-update: no service starts inside a transaction.\nexit 101\n';

export class Supplements {
  private readonly added: Array<{ file: string; dir: string | undefined }> = [];

  constructor(private readonly root: string) {}

  /** Create a file at a path inside the root unless something is already there. */
  add(pathInside: string, content: string, mode: number): boolean {
    const target = join(this.root, pathInside);
    if (exists(target)) return false;
    // Directories we make for it are ours too, and go with it.
    const firstCreated = mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode });
    this.added.push({ file: target, dir: firstCreated });
    return true;
  }

  removeAll(): void {
    for (const { file, dir } of this.added.reverse()) {
      rmSync(file, { force: true });
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    this.added.length = 0;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return existsSync(path);
  }
}
