/**
 * Files we put into a snapshot for the time of a transaction (policy-rc.d, an empty
 * resolv.conf to bind over, placeholders for boot stubs) and take out again before the
 * snapshot is judged (-d) and closed. A file the transaction itself changed stays as it left
 * it: a package or a user that installs its own policy-rc.d keeps it.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Forbids invoke-rc.d (and deb-systemd-invoke, which asks it) to start services (exit 101). */
export const POLICY_RC_D = '#!/bin/sh\n# transactional-update: no service starts inside a transaction.\nexit 101\n';

const SAVED_SUFFIX = '.transactional-update-saved';

interface Placed {
  file: string;
  content: string;
  /** The first directory we had to create for it (removed with it). */
  createdDir: string | undefined;
  /** What was there before, moved aside. */
  saved: string | undefined;
}

export class Supplements {
  private readonly placed: Placed[] = [];

  constructor(private readonly root: string) {}

  /** Create a file at a path inside the root unless something is already there. */
  add(pathInside: string, content: string, mode: number): boolean {
    const target = join(this.root, pathInside);
    if (exists(target)) return false;
    this.write(target, content, mode, undefined);
    return true;
  }

  /** Put our file at a path, moving whatever is there aside until restoreAll. */
  place(pathInside: string, content: string, mode: number): void {
    const target = join(this.root, pathInside);
    let saved: string | undefined;
    if (exists(target)) {
      saved = `${target}${SAVED_SUFFIX}`;
      renameSync(target, saved);
    }
    this.write(target, content, mode, saved);
  }

  private write(target: string, content: string, mode: number, saved: string | undefined): void {
    const createdDir = mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode });
    this.placed.push({ file: target, content, createdDir, saved });
  }

  /** Take our files out; put back what they replaced, unless the transaction changed them. */
  restoreAll(): void {
    for (const p of this.placed.reverse()) {
      if (stillOurs(p)) {
        rmSync(p.file, { force: true });
        if (p.saved) renameSync(p.saved, p.file);
        else if (p.createdDir) rmSync(p.createdDir, { recursive: true, force: true });
      } else if (p.saved) {
        rmSync(p.saved, { force: true });
      }
    }
    this.placed.length = 0;
  }
}

function stillOurs(p: Placed): boolean {
  try {
    return lstatSync(p.file).isFile() && readFileSync(p.file, 'utf8') === p.content;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
