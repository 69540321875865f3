/**
 * The snapper-compatible snapshot store under /.snapshots: numbering, info.xml, deletion.
 * Layout of snapshot N: N/info.xml, N/snapshot (root, with the nested writable N/snapshot/etc),
 * N/etc (read-only copy of /etc as N's transaction left it), N/etc.start (merge base, until
 * N has booted), N/manifest.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, rmdirSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { isSubvolumeRoot } from '../btrfs/subvolume.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { parseInfo, serializeInfo, type SnapshotInfo } from './infoXml.js';

import { markersOf } from './markers.js';
import { refuseProtected, type ProtectedSnapshots } from './deletionGuard.js';

export { MARKER_KEY, IN_PROGRESS_KEY, FAILED_KEY, markersOf } from './markers.js';
const HIGH_WATER_FILE = 'transactional-update.last-number';

/** The one rule for a snapshot number, as a directory name or on a command line. */
export const SNAPSHOT_NUMBER = /^[1-9]\d{0,8}$/;

export interface SnapshotPaths {
  dir: string;
  info: string;
  snapshot: string;
  /** The nested, writable /etc of the root. */
  snapshotEtc: string;
  etc: string;
  etcStart: string;
  manifest: string;
}

export interface SnapshotRecord {
  number: number;
  info: SnapshotInfo | undefined;
  paths: SnapshotPaths;
  /** Carries our marker (made by this tool). */
  ours: boolean;
  inProgress: boolean;
  failed: boolean;
  /** Root and /etc are complete: bootable, listable as a system. */
  complete: boolean;
}

export class SnapshotStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = normalize(dir).replace(/(.)\/$/, '$1');
  }

  paths(number: number): SnapshotPaths {
    // Plain concatenation (dir is normalized, number an integer): listings call this per snapshot.
    const dir = `${this.dir === '/' ? '' : this.dir}/${number}`;
    return {
      dir,
      info: `${dir}/info.xml`,
      snapshot: `${dir}/snapshot`,
      snapshotEtc: `${dir}/snapshot/etc`,
      etc: `${dir}/etc`,
      etcStart: `${dir}/etc.start`,
      manifest: `${dir}/manifest.json`,
    };
  }

  /** Numbers of all numeric directories, ascending. */
  numbers(): number[] {
    return readdirSync(this.dir)
      .filter((name) => SNAPSHOT_NUMBER.test(name))
      .map(Number)
      .sort((a, b) => a - b);
  }

  has(number: number): boolean {
    return existsSync(this.paths(number).dir);
  }

  read(number: number): SnapshotRecord {
    const paths = this.paths(number);
    let info: SnapshotInfo | undefined;
    try {
      info = parseInfo(readFileSync(paths.info, 'utf8'));
    } catch {
      info = undefined;
    }
    return {
      number,
      info,
      paths,
      ...markersOf(info?.userdata ?? {}),
      // Looked at only when asked: a listing of many snapshots never needs it.
      get complete() {
        return isComplete(paths);
      },
    };
  }

  list(): SnapshotRecord[] {
    return this.numbers().map((n) => this.read(n));
  }

  /**
   * Reserve the next number: mkdir above the highest existing one (mkdir is the atomic claim),
   * then write info.xml right away so a crash never leaves an unmarked snapshot.
   */
  reserve(info: Omit<SnapshotInfo, 'num'>): number {
    for (;;) {
      // Numbers are never reused, even after the highest snapshot was deleted: a high-water
      // mark beside the snapshots remembers the last one handed out.
      const next = Math.max(this.numbers().at(-1) ?? 0, this.highWater()) + 1;
      try {
        mkdirSync(this.paths(next).dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      try {
        this.writeInfo({ ...info, num: next });
        writeFileAtomic(join(this.dir, HIGH_WATER_FILE), `${next}\n`);
      } catch (error) {
        // A full disk: take the claim back rather than leave a directory no run would remove.
        rmSync(this.paths(next).dir, { recursive: true, force: true });
        throw error;
      }
      return next;
    }
  }

  private highWater(): number {
    try {
      const n = Number(readFileSync(join(this.dir, HIGH_WATER_FILE), 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : 0;
    } catch {
      return 0;
    }
  }

  writeInfo(info: SnapshotInfo): void {
    writeFileAtomic(this.paths(info.num).info, serializeInfo(info));
  }

  updateUserdata(number: number, change: (userdata: Record<string, string>) => void): void {
    const record = this.read(number);
    if (!record.info) throw new Error(`snapshot ${number} has no readable info.xml`);
    const userdata = { ...record.info.userdata };
    change(userdata);
    this.writeInfo({ ...record.info, userdata });
  }

  /**
   * The one deletion routine (failure, abort, cleanup, crash recovery). Each step tolerates
   * what an earlier, interrupted run already removed. It refuses the default, booted and
   * known-good snapshots (`guard`, from protectedSnapshots) before it changes anything.
   */
  async delete(number: number, guard: ProtectedSnapshots): Promise<void> {
    refuseProtected(number, guard);
    // Loaded here: listings read the store and never need the subprocess layer.
    const btrfs = await import('../btrfs/btrfs.js');
    const p = this.paths(number);
    if (isSubvolumeRoot(p.snapshot)) {
      await btrfs.setReadOnly(p.snapshot, false);
      if (isSubvolumeRoot(p.snapshotEtc)) await btrfs.deleteSubvolume(p.snapshotEtc);
      await btrfs.deleteSubvolume(p.snapshot);
    } else if (existsSync(p.snapshot)) {
      rmSync(p.snapshot, { recursive: true, force: true });
    }
    for (const sub of [p.etc, p.etcStart]) {
      if (isSubvolumeRoot(sub)) await btrfs.deleteSubvolume(sub);
      else if (existsSync(sub)) rmSync(sub, { recursive: true, force: true });
    }
    if (existsSync(p.dir)) {
      for (const name of readdirSync(p.dir)) rmSync(join(p.dir, name), { recursive: true, force: true });
      rmdirSync(p.dir);
    }
  }
}

/** Root and /etc are complete: bootable, listable as a system. */
export function isComplete(paths: SnapshotPaths): boolean {
  return existsSync(paths.snapshot) && existsSync(join(paths.snapshotEtc, 'passwd')) && existsSync(paths.etc);
}
