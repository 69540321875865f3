/** The facts listings are made of: every snapshot with its markers. */
import { accessSync, constants, existsSync } from 'node:fs';
import { formatSnapperDate } from './infoXml.js';
import { readBootHistory, hasBooted } from './bootHistory.js';
import { defaultSnapshot, type System } from './system.js';
import { isComplete, markersOf, type SnapshotStore } from './store.js';
import { snapshotDamage, type Damage } from './damage.js';

/** What a listing needs of a snapshot's info.xml: read from the store, or from the index. */
export interface ListedSnapshot {
  number: number;
  /** undefined when info.xml is missing or unreadable. */
  date: Date | undefined;
  description: string;
  type: string;
  userdata: Record<string, string>;
}

function listStore(store: SnapshotStore): ListedSnapshot[] {
  return store.list().map((r) => ({
    number: r.number,
    date: r.info?.date,
    description: r.info?.description ?? '',
    type: r.info?.type ?? 'unknown',
    userdata: r.info?.userdata ?? {},
  }));
}

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
  /** What is wrong with its metadata (empty when nothing): the listing names it. */
  damage: Damage[];
}

export interface Overview {
  booted: number | undefined;
  default: number | undefined;
  snapshots: SnapshotRow[];
}

/**
 * Whether a snapshot's root is there and the btrfs `ro` property, in one system call and
 * without a subprocess: access(2) for writing answers ENOENT where nothing is, EROFS on a
 * read-only subvolume (as root, permissions never say no).
 */
export function subvolumeAccess(path: string): 'missing' | 'read-only' | 'writable' {
  // A listing asks this of every snapshot: no stack trace captured for EROFS, the usual answer.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    accessSync(path, constants.W_OK);
    return 'writable';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return 'read-only';
    if (code === 'ENOENT') return 'missing';
    return existsSync(path) ? 'writable' : 'missing';
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The btrfs `ro` property, without a subprocess (false where nothing is). */
export function isReadOnlySubvolume(path: string): boolean {
  return subvolumeAccess(path) === 'read-only';
}

/**
 * `listed`: the snapshots as the index has them (default, or when it returns undefined: read
 * every info.xml).
 */
export async function gatherOverview(system: System, listed: () => ListedSnapshot[] | undefined = () => undefined): Promise<Overview> {
  // Listing first: its error is the one to report. The default is a synchronous query now,
  // so there is nothing to overlap.
  const rows = listed() ?? listStore(system.store);
  const def = await defaultSnapshot(system);
  const history = readBootHistory(system.stateDir);
  const snapshots = rows.map((r): SnapshotRow => {
    const everBooted = hasBooted(history, r.number) || r.number === system.booted;
    const paths = system.store.paths(r.number);
    const markers = markersOf(r.userdata);
    const access = subvolumeAccess(paths.snapshot);
    const subvolumeExists = access !== 'missing';
    // A readable info.xml always gives a date (snapper's, or the epoch): no date, no info.xml.
    const infoReadable = r.date !== undefined;
    return {
      number: r.number,
      date: r.date ? formatSnapperDate(r.date) : null,
      description: r.description,
      type: r.type,
      readOnly: access === 'read-only',
      booted: r.number === system.booted,
      default: r.number === def,
      pending: r.number === def && r.number !== system.booted && !everBooted,
      ...markers,
      get complete() {
        return isComplete(paths);
      },
      everBooted,
      userdata: r.userdata,
      damage: snapshotDamage({
        infoReadable,
        infoExists: infoReadable || existsSync(paths.info),
        subvolumeExists,
        inProgress: markers.inProgress,
      }),
    };
  });
  return { booted: system.booted, default: def, snapshots };
}
