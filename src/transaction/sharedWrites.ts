/**
 * Package scripts that write under /var, /opt, … write to the live shared subvolumes: those
 * writes do not roll back (a known limit of the design, as in MicroOS). We list them after the transaction,
 * from btrfs generations taken before and after (cost grows with the writes, not the data).
 * Writes by other programs of the running system in the same time show up too.
 */
import { join } from 'node:path';
import * as btrfs from '../btrfs/btrfs.js';
import type { ChrootFacts } from '../chroot/plan.js';
import type { FileChange } from '../manifest/types.js';
import { log } from '../util/log.js';

export interface WriteMark {
  inside: string;
  source: string;
  generation: number;
}

export async function markSharedSubvolumes(mounts: ChrootFacts['sharedMounts']): Promise<WriteMark[]> {
  const marks: WriteMark[] = [];
  for (const m of mounts) {
    try {
      marks.push({ ...m, generation: await btrfs.currentGeneration(m.source) });
    } catch (error) {
      log.detail(`no write tracking for ${m.inside}: ${String(error)}`);
    }
  }
  return marks;
}

/** Our own log file is written by us, not by the transaction. */
const OWN_FILES = new Set(['/var/log/transactional-update.log']);

export async function sharedWritesSince(marks: WriteMark[], _systemRoot: string): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  for (const mark of marks) {
    try {
      for (const relative of await btrfs.filesWrittenSince(mark.source, mark.generation)) {
        const path = join(mark.inside, relative);
        if (!OWN_FILES.has(path)) changes.push({ path, change: 'modified', modified: { content: true } });
      }
    } catch (error) {
      log.detail(`could not list writes to ${mark.inside}: ${String(error)}`);
    }
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
