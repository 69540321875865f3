/** The facts listings are made of: every snapshot with its markers. */
import { accessSync, constants } from 'node:fs';
import { formatSnapperDate } from './infoXml.js';
import { readBootHistory, hasBooted } from './bootHistory.js';
import { defaultSnapshot, type System } from './system.js';

export interface SnapshotRow {
  number: number;
  date: string | null;
  description: string;
  type: string;
  readOnly: boolean;
  booted: boolean;
  default: boolean;
  /** Closed, newer than the booted one and never booted: what a reboot would bring. */
  pending: boolean;
  inProgress: boolean;
  failed: boolean;
  ours: boolean;
  /** Root and /etc complete (evaluated on first use: listings do not need it). */
  readonly complete: boolean;
  everBooted: boolean;
  userdata: Record<string, string>;
}

export interface Overview {
  booted: number | undefined;
  default: number | undefined;
  snapshots: SnapshotRow[];
}

/**
 * The btrfs `ro` property, without a subprocess: access(2) for writing answers EROFS on a
 * read-only subvolume (as root, permissions never say no).
 */
export function isReadOnlySubvolume(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EROFS';
  }
}

export async function gatherOverview(system: System): Promise<Overview> {
  const def = await defaultSnapshot(system);
  const history = readBootHistory(system.stateDir);
  const snapshots = system.store.list().map((r): SnapshotRow => {
    const everBooted = hasBooted(history, r.number) || r.number === system.booted;
    return {
      number: r.number,
      date: r.info ? formatSnapperDate(r.info.date) : null,
      description: r.info?.description ?? '',
      type: r.info?.type ?? 'unknown',
      readOnly: isReadOnlySubvolume(r.paths.snapshot),
      booted: r.number === system.booted,
      default: r.number === def,
      pending: r.number === def && r.number !== system.booted && !everBooted,
      inProgress: r.inProgress,
      failed: r.failed,
      ours: r.ours,
      get complete() {
        return r.complete;
      },
      everBooted,
      userdata: r.info?.userdata ?? {},
    };
  });
  return { booted: system.booted, default: def, snapshots };
}
