/** The facts listings are made of: every snapshot with its markers. */
import { existsSync } from 'node:fs';
import { nativeAddon } from '../util/addon.js';
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

export type SubvolumeAccess = 'missing' | 'read-only' | 'writable';

/**
 * Whether each snapshot root is there and its btrfs `ro` property, without a subprocess and
 * in one call for all: access(2) for writing answers ENOENT where nothing is, EROFS on a
 * read-only subvolume (as root, permissions never say no).
 */
export function subvolumeAccess(paths: readonly string[]): SubvolumeAccess[] {
  return nativeAddon().writeAccess(paths).map((code, i) => {
    if (code === '') return 'writable';
    if (code === 'EROFS') return 'read-only';
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return existsSync(paths[i]!) ? 'writable' : 'missing';
  });
}

/**
 * `listed`: the snapshots as the index has them (default, or when it returns undefined: read
 * every info.xml).
 */
export async function gatherOverview(
  system: System,
  listed: () => ListedSnapshot[] | undefined = () => undefined,
  knownDefault?: { number: number | undefined },
): Promise<Overview> {
  // Listing first: its error is the one to report. The default is a synchronous query now,
  // so there is nothing to overlap; a caller that read it already passes it.
  const rows = listed() ?? listStore(system.store);
  const def = knownDefault ? knownDefault.number : await defaultSnapshot(system);
  const history = readBootHistory(system.stateDir);
  const accesses = subvolumeAccess(rows.map((r) => system.store.paths(r.number).snapshot));
  const snapshots = rows.map((r, i): SnapshotRow => {
    const everBooted = hasBooted(history, r.number) || r.number === system.booted;
    const paths = system.store.paths(r.number);
    const markers = markersOf(r.userdata);
    const access = accesses[i]!;
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
