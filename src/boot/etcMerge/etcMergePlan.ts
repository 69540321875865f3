/**
 * The three-way merge of /etc at boot, planned from facts (pure). Base: N/etc.start (the
 * running /etc when N was taken). Running: the /etc the previous system ran with until the
 * reboot. Fresh: N/etc (what N's transaction left). An edit made on the running system after N
 * was taken is carried into the new /etc where N did not change the same path; where both
 * changed it differently, N's version stays and the running one is kept beside it.
 */
import { sameEntry, type EtcEntry } from './etcTree.js';

export type EtcTree = ReadonlyMap<string, EtcEntry>;

export interface EtcMergePlan {
  /** Paths to take from the running /etc (created, changed or deleted there), shallowest first. */
  apply: Array<{ path: string; running: EtcEntry | undefined }>;
  /** Paths both changed differently: N's version stays. */
  conflicts: Array<{ path: string; running: EtcEntry | undefined }>;
}

function parentOf(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  return i < 0 ? undefined : path.slice(0, i);
}

export function planEtcMerge(base: EtcTree, running: EtcTree, fresh: EtcTree): EtcMergePlan {
  const apply: EtcMergePlan['apply'] = [];
  const conflicts: EtcMergePlan['conflicts'] = [];
  const paths = [...new Set([...base.keys(), ...running.keys()])].sort();
  for (const path of paths) {
    const b = base.get(path);
    const r = running.get(path);
    const n = fresh.get(path);
    if (sameEntry(b, r)) continue; // not edited on the running system
    if (sameEntry(r, n)) continue; // N made the same change
    const parent = parentOf(path);
    // A path whose directory N removed cannot be carried without undoing N's removal.
    const parentGone = r !== undefined && parent !== undefined && !fresh.has(parent);
    if (sameEntry(b, n) && !parentGone) apply.push({ path, running: r });
    else conflicts.push({ path, running: r });
  }
  // Deletions deepest first (a directory after its contents), everything else shallowest first.
  const depth = (p: string) => p.split('/').length;
  apply.sort((x, y) => {
    const dx = x.running === undefined ? -depth(x.path) : depth(x.path);
    const dy = y.running === undefined ? -depth(y.path) : depth(y.path);
    return (x.running === undefined ? 1 : 0) - (y.running === undefined ? 1 : 0) || dx - dy || (x.path < y.path ? -1 : 1);
  });
  return { apply, conflicts };
}
