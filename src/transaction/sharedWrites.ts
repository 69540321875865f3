/**
 * Package scripts that write under /var, /opt, … write to the live shared subvolumes: those
 * writes do not roll back (a known limit of the design, as in MicroOS). We list them after the transaction,
 * from btrfs generations taken before and after (cost grows with the writes, not the data).
 * Writes by other programs of the running system in the same time show up too.
 */
import { join } from 'node:path';
import * as btrfs from '../btrfs/btrfs.js';
import { currentMounts } from '../util/mountinfo.js';
import type { ChrootFacts } from '../chroot/plan.js';
import type { FileChange } from '../manifest/types.js';
import { log } from '../util/log.js';

export interface WriteMark {
  inside: string;
  source: string;
  generation: number;
}

/**
 * The marks are taken before the run. The file system's generation from sysfs serves every
 * subvolume on it without a subprocess: files written in transactions from that one on are
 * exactly those written after the subvolume's own generation (it is at most the file system's,
 * and no transaction in between touched the subvolume). Elsewhere btrfs is asked per subvolume.
 */
export async function markSharedSubvolumes(mounts: ChrootFacts['sharedMounts']): Promise<WriteMark[]> {
  const marks: WriteMark[] = [];
  const mounted = currentMounts();
  for (const m of mounts) {
    try {
      const mount = mounted.filter((e) => e.target === m.source).at(-1);
      const fsGeneration = mount?.fstype === 'btrfs' ? btrfs.filesystemGeneration(mount.source) : undefined;
      // filesWrittenSince(g) lists writes in transactions after g.
      const generation = fsGeneration !== undefined ? fsGeneration - 1 : await btrfs.currentGeneration(m.source);
      marks.push({ ...m, generation });
    } catch (error) {
      log.detail(`no write tracking for ${m.inside}: ${String(error)}`);
    }
  }
  return marks;
}

function writtenSince(mark: WriteMark): boolean {
  try {
    return btrfs.changedSince(mark.source, mark.generation);
  } catch (error) {
    log.detail(`could not tell whether ${mark.inside} changed: ${String(error)}`);
    return true;
  }
}

/** Our own log file and state (the lock's pid, boot history) are written by us, not by the transaction. */
const OWN_FILES = new Set(['/var/log/transactional-update.log']);
const OWN_STATE = '/var/lib/transactional-update/';
const isOwn = (path: string) => OWN_FILES.has(path) || path.startsWith(OWN_STATE);

export async function sharedWritesSince(allMarks: WriteMark[], _systemRoot: string): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  // A subvolume unchanged since its mark has nothing to list: one ioctl instead of a find-new
  // process (most shared subvolumes, most of the time).
  const marks = allMarks.filter((m) => writtenSince(m));
  let answers: Array<string[] | Error>;
  try {
    answers = await btrfs.filesWrittenSinceEach(marks.map((m) => ({ path: m.source, generation: m.generation })));
  } catch (error) {
    log.detail(`could not list writes to the shared subvolumes: ${String(error)}`);
    return [];
  }
  marks.forEach((mark, i) => {
    const answer = answers[i]!;
    if (answer instanceof Error) {
      log.detail(`could not list writes to ${mark.inside}: ${answer.message}`);
      return;
    }
    for (const relative of answer) {
      const path = join(mark.inside, relative);
      if (!isOwn(path)) changes.push({ path, change: 'modified', modified: { content: true } });
    }
  });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
