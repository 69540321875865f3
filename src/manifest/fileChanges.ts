/**
 * The "Files" part of the manifest: what changed between two read-only snapshots, path by
 * path, as a full comparison of the two trees would say — computed from the paths that
 * `btrfs send --no-data -p base next` nominates, confirmed against the trees where the
 * stream alone cannot tell. Cost follows the size of the change, not of the file system.
 */
import type { Stats } from 'node:fs';
import { sendStream, type SendOptions } from '../btrfs/send.js';
import { resolveInodePaths } from '../btrfs/sendStream/inodePaths.js';
import { StatCache, contentDiffers, listDirectory, lstatRel, readlinkRel, typeOfStats } from './fileAccess.js';
import { collectCandidates, fromOf, identityOf, isNode, knownType, type Entity } from './fileCandidates.js';
import { classifyPath, compareRel, type EntryFacts, type PathFacts } from './fileClassify.js';
import { StreamReplay, type BytePath, type ReplayResult, type SimInode } from './fileTree.js';
import { diffXattrs, readXattrs } from './fileXattrs.js';
import type { FileChange, FileType } from './types.js';

export interface FileChangesOptions {
  /** Where the snapshots' root sits in the system: "/" for the root file system, "/etc" for /etc. */
  mountPrefix: string;
  send?: SendOptions;
}

export async function computeFileChanges(base: string, next: string, options: FileChangesOptions): Promise<FileChange[]> {
  const stats = new StatCache();
  // Most nominated entries stay where they are: fetch both sides' lstat while the stream runs.
  const replay = new StreamReplay({
    onNominate: (node) => {
      stats.prefetch(base, node.aPath!);
      stats.prefetch(next, node.aPath!);
    },
  });
  for await (const command of sendStream(next, base, options.send)) replay.apply(command);
  return judgeReplay(replay.finish(), base, next, options.mountPrefix, stats);
}

/** Exact: true when computeFileChanges would report anything. */
export async function hasFileChanges(base: string, next: string, options: FileChangesOptions): Promise<boolean> {
  return (await computeFileChanges(base, next, options)).length > 0;
}

/** A path in both trees that needs a look: what to compare there. */
interface Check {
  rel: BytePath;
  /** The same inode at the same place: only what the stream nominated can differ. */
  same: SimInode | undefined;
}

export async function judgeReplay(
  replay: ReplayResult,
  base: string,
  next: string,
  mountPrefix: string,
  stats: StatCache = new StatCache(),
): Promise<FileChange[]> {
  const { old: oldMap, new: newMap } = collectCandidates(replay, {
    list: (rel) => listDirectory(base, rel),
    type: (rel) => {
      const st = lstatRel(base, rel);
      return st ? typeOfStats(st) : undefined;
    },
  });

  const facts: PathFacts[] = [];
  const checks: Check[] = [];
  const baseTypes = new ListingTypes(base);
  for (const [rel, o] of oldMap) {
    const n = newMap.get(rel);
    if (n === undefined) {
      facts.push({ rel, kind: 'deleted', oldType: knownType(o) ?? baseTypes.typeOf(rel) });
    } else if (identityOf(o) === identityOf(n)) {
      if (isNode(n) && n.inode.nominated) checks.push({ rel, same: n.inode });
    } else {
      checks.push({ rel, same: undefined });
    }
  }
  for (const [rel, n] of newMap) {
    if (oldMap.has(rel)) continue;
    if (rel === '') continue;
    facts.push({ rel, kind: 'created', newType: knownType(n) ?? typeAt(next, rel), from: fromOf(n, newMap) });
  }

  const confirmed = await confirm(checks, base, next, stats);
  const linked = await findHardLinks(newMap, oldMap, next, stats);
  facts.push(...confirmed.facts, ...(await confirm(linked, base, next, stats)).facts);

  const changes: { rel: BytePath; change: FileChange }[] = [];
  for (const f of facts) {
    const change = classifyPath(f, mountPrefix);
    if (change) changes.push({ rel: f.rel, change });
  }
  changes.sort((a, b) => compareRel(a.rel, b.rel));
  return changes.map((c) => c.change);
}

function typeAt(root: string, rel: BytePath) {
  const st = lstatRel(root, rel);
  return st ? typeOfStats(st) : undefined;
}

/**
 * The stream names one path per inode. An inode of A with other links that the stream never
 * touched changed there too: find them (inode-resolve in B) and compare them in full.
 */
async function findHardLinks(
  newMap: Map<BytePath, Entity>,
  oldMap: Map<BytePath, Entity>,
  next: string,
  stats: StatCache,
): Promise<Check[]> {
  const checks: Check[] = [];
  const seen = new Set<SimInode>();
  for (const [rel, entity] of newMap) {
    if (!isNode(entity)) continue;
    const inode = entity.inode;
    if (inode.origin === null || !inode.nominated || seen.has(inode) || inode.type === 'directory') continue;
    seen.add(inode);
    const st = stats.lstat(next, rel);
    if (!st || st.nlink < 2) continue;
    for (const other of await resolveInodePaths(next, st.ino)) {
      if (newMap.has(other) || oldMap.has(other)) continue;
      if (stats.lstat(next, other)?.ino !== st.ino) continue;
      newMap.set(other, entity);
      checks.push({ rel: other, same: undefined });
    }
  }
  return checks;
}

/** Types of entries of one tree, read from their directory's listing when many share one. */
class ListingTypes {
  private readonly pending = new Map<BytePath, number>();
  private readonly listings = new Map<BytePath, Map<BytePath, FileType | undefined>>();
  constructor(private readonly root: string) {}

  typeOf(rel: BytePath): FileType | undefined {
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? '' : rel.slice(0, slash);
    let listing = this.listings.get(dir);
    if (!listing) {
      const seen = (this.pending.get(dir) ?? 0) + 1;
      this.pending.set(dir, seen);
      // A directory listing costs about as much as a few lstat calls.
      if (seen < 4) return typeAt(this.root, rel);
      listing = new Map(listDirectory(this.root, dir).map((e) => [e.name, e.type]));
      this.listings.set(dir, listing);
    }
    return listing.has(rel.slice(slash + 1)) ? listing.get(rel.slice(slash + 1)) : typeAt(this.root, rel);
  }
}

async function confirm(checks: Check[], base: string, next: string, stats: StatCache): Promise<{ facts: PathFacts[] }> {
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
          content = a.size !== b.size || contentDiffers(base, next, check.rel, b.size, check.same.ranges);
        }
      } else {
        content = contentDiffersInFull(base, next, check.rel, a, b, oldFacts.type);
      }
    }
    const wantXattrs = check.same ? check.same.xattrNames.size > 0 : oldFacts.type === newFacts.type;
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

function entryFacts(st: Stats): EntryFacts {
  return { type: typeOfStats(st), mode: st.mode, uid: st.uid, gid: st.gid };
}

function contentDiffersInFull(base: string, next: string, rel: BytePath, a: Stats, b: Stats, type: EntryFacts['type']): boolean {
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
