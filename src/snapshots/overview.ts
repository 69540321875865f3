/** The facts listings are made of: every snapshot with its markers. */
import { run } from '../util/exec.js';
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

/** Read-only subvolumes below the snapshot directory, in one btrfs call. */
async function readOnlySnapshotNumbers(system: System): Promise<Set<number>> {
  const { stdout, exitCode } = await run('btrfs', ['subvolume', 'list', '-r', '-o', system.store.dir], { reject: false });
  const numbers = new Set<number>();
  if (exitCode !== 0) return numbers;
  for (const m of stdout.matchAll(/ path (?:.*\/)?\.snapshots\/(\d+)\/snapshot$/gm)) numbers.add(Number(m[1]));
  return numbers;
}

export async function gatherOverview(system: System): Promise<Overview> {
  const [def, readOnly] = await Promise.all([defaultSnapshot(system), readOnlySnapshotNumbers(system)]);
  const history = readBootHistory(system.stateDir);
  const snapshots = system.store.list().map((r): SnapshotRow => {
    const everBooted = hasBooted(history, r.number) || r.number === system.booted;
    return {
      number: r.number,
      date: r.info ? formatSnapperDate(r.info.date) : null,
      description: r.info?.description ?? '',
      type: r.info?.type ?? 'unknown',
      readOnly: readOnly.has(r.number),
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
