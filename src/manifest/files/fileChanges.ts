/**
 * The "Files" part of the manifest: what changed between two read-only snapshots, path by
 * path, as a full comparison of the two trees would say — computed from the paths that
 * `btrfs send --no-data -p base next` nominates, confirmed against the trees where the
 * stream alone cannot tell. Cost follows the size of the change, not of the file system.
 */
import { sendStreamBatches, type SendOptions } from '../../btrfs/send.js';
import { resolveInodePaths } from '../../btrfs/sendStream/inodePaths.js';
import { StatCache, listDirectory, lstatRel, typeOfStats } from './fileAccess.js';
import { confirm, type Check } from './fileConfirm.js';
import { collectCandidates, fromOf, identityOf, isNode, knownType, type Entity } from './fileCandidates.js';
import { classifyPath, compareRel, type PathFacts } from './fileClassify.js';
import { StreamReplay, type BytePath, type ReplayResult, type SimInode } from './fileTree.js';
import type { FileChange, FileType } from '../types.js';

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
  for await (const batch of sendStreamBatches(next, base, options.send)) for (const command of batch) replay.apply(command);
  return judgeReplay(replay.finish(), base, next, options.mountPrefix, stats);
}

/** Exact: true when computeFileChanges would report anything. */
export async function hasFileChanges(base: string, next: string, options: FileChangesOptions): Promise<boolean> {
  return (await computeFileChanges(base, next, options)).length > 0;
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
  // forEach, not for…of over entries: no [key, value] array per path.
  oldMap.forEach((o, rel) => {
    const n = newMap.get(rel);
    if (n === undefined) {
      facts.push({ rel, kind: 'deleted', oldType: knownType(o) ?? baseTypes.typeOf(rel) });
    } else if (identityOf(o) === identityOf(n)) {
      if (isNode(n) && n.inode.nominated) checks.push({ rel, same: n.inode });
    } else {
      checks.push({ rel, same: undefined });
    }
  });
  newMap.forEach((n, rel) => {
    if (rel === '' || oldMap.has(rel)) return;
    facts.push({ rel, kind: 'created', newType: knownType(n) ?? typeAt(next, rel), from: fromOf(n, newMap) });
  });

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
