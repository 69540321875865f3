/**
 * Confirmation of nominated paths that exist in both trees: lstat, content and xattrs of the
 * two snapshots, compared only as far as the stream leaves open.
 */
import { contentDiffers, type EntryStat, type StatCache, readlinkRel, typeOfStats } from './fileAccess.js';
import type { EntryFacts, PathFacts } from './fileClassify.js';
import type { BytePath, SimInode } from './fileTree.js';
import { diffXattrs, readXattrs } from './fileXattrs.js';

/** A path in both trees that needs a look: what to compare there. */
export interface Check {
  rel: BytePath;
  /** The same inode at the same place: only what the stream nominated can differ. */
  same: SimInode | undefined;
}

export async function confirm(checks: Check[], base: string, next: string, stats: StatCache): Promise<{ facts: PathFacts[] }> {
  const out: PathFacts[] = [];
  const needXattrs: { rel: BytePath; index: number }[] = [];
  for (const check of checks) {
    const a = stats.lstat(base, check.rel);
    const b = stats.lstat(next, check.rel);
    if (!a || !b) {
      // The trees disagree with the stream; trust the trees.
      if (a) out.push({ rel: check.rel, kind: 'deleted', oldType: typeOfStats(a) });
      if (b) out.push({ rel: check.rel, kind: 'created', newType: typeOfStats(b), from: undefined });
      continue;
    }
    const oldFacts = entryFacts(a);
    const newFacts = entryFacts(b);
    let content = false;
    if (oldFacts.type === newFacts.type) {
      if (check.same) {
        if (check.same.content && oldFacts.type === 'file') {
          content = a.size !== b.size || contentDiffers(base, next, check.rel, b.size, check.same.ranges ?? NO_RANGES);
        }
      } else {
        content = contentDiffersInFull(base, next, check.rel, a, b, oldFacts.type);
      }
    }
    const wantXattrs = check.same ? check.same.xattrNames !== undefined : oldFacts.type === newFacts.type;
    const facts: PathFacts = { rel: check.rel, kind: 'both', old: oldFacts, new: newFacts, content, acl: false, xattrs: false };
    if (wantXattrs) needXattrs.push({ rel: check.rel, index: out.length });
    out.push(facts);
  }
  if (needXattrs.length > 0) {
    const rels = needXattrs.map((n) => n.rel);
    const [xa, xb] = await Promise.all([readXattrs(base, rels), readXattrs(next, rels)]);
    for (const { rel, index } of needXattrs) {
      const diff = diffXattrs(xa.get(rel), xb.get(rel));
      const f = out[index] as Extract<PathFacts, { kind: 'both' }>;
      f.acl = diff.acl;
      f.xattrs = diff.xattrs;
    }
  }
  return { facts: out };
}

/** Content nominated without a range (truncate): only the sizes can tell. */
const NO_RANGES: readonly number[] = [];

function entryFacts(st: EntryStat): EntryFacts {
  return { type: typeOfStats(st), mode: st.mode, uid: st.uid, gid: st.gid };
}

function contentDiffersInFull(base: string, next: string, rel: BytePath, a: EntryStat, b: EntryStat, type: EntryFacts['type']): boolean {
  switch (type) {
    case 'file':
      return a.size !== b.size || contentDiffers(base, next, rel, b.size, null);
    case 'symlink':
      return readlinkRel(base, rel) !== readlinkRel(next, rel);
    case 'char-device':
    case 'block-device':
      return a.rdev !== b.rdev;
    default:
      return false;
  }
}
