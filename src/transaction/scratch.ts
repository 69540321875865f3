/**
 * The tool's own scratch directories under /run: the chroot's request directory and its stubs
 * (tu-requests-<pid>-N-*), staged package files (tu-packages-<pid>-*) and the Btrfs top level
 * mounted for a moment to reach the GRUB directory (transactional-update/tu-top-<pid>-*).
 * A run that dies by SIGKILL leaves them, the top-level mount included, and a mounted top
 * level keeps the loop device of an image attached. Every mutating run (and cleanup) sweeps
 * those whose pid is no longer alive; a live run's are left alone.
 */
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { run } from '../util/exec.js';
import { currentMountPoints } from '../util/mountinfo.js';
import { log } from '../util/log.js';
import { processAlive } from '../util/processAlive.js';

const RUN = '/run';
const TOP_LEVEL_DIR = '/run/transactional-update';

export function scratchPrefix(kind: 'requests' | 'packages', pid = process.pid): string {
  return `tu-${kind}-${pid}-`;
}

/** The pid in a scratch name, or undefined for names that are not ours. */
export function ownerOf(name: string): number | undefined {
  const m = /^tu-(?:requests|packages|top)-(\d+)-/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function deadOwners(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => {
      const pid = ownerOf(name);
      return pid !== undefined && pid !== process.pid && !processAlive(pid);
    })
    .map((name) => join(dir, name));
}

/** Remove what dead runs left under /run; returns the paths removed. What cannot go is a warning. */
export async function sweepScratch(): Promise<string[]> {
  const removed: string[] = [];
  const mounted = new Set(currentMountPoints());
  const attempt = async (path: string, remove: () => Promise<void> | void) => {
    try {
      await remove();
      removed.push(path);
    } catch (error) {
      log.warn(`could not remove ${escapeControl(path)}, left by an interrupted run: ${errorMessage(error)}`);
    }
  };
  for (const dir of deadOwners(TOP_LEVEL_DIR)) {
    await attempt(dir, async () => {
      if (mounted.has(dir)) {
        log.step(`unmounting ${dir}, left mounted by an interrupted run`);
        await run('umount', [dir]);
      }
      rmdirSync(dir);
    });
  }
  for (const path of deadOwners(RUN)) await attempt(path, () => rmSync(path, { recursive: true, force: true }));
  return removed;
}
