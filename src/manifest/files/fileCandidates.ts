/**
 * From a replayed stream to the paths to judge. Old: every path of A the stream touched,
 * plus the untouched descendants of directories that moved. New: every live entry of the
 * replay, plus the same descendants at their new place. A path is in A exactly when it is
 * in Old (a create succeeds in the receiver only where nothing is, so any A entry under a
 * new entry's path was touched first), and in B exactly when it is in New.
 */
import { joinPath, type BytePath, type SimInode, type SimNode, type ReplayResult } from './fileTree.js';
import type { FileType } from '../types.js';

/** An untouched entry of A that moved because a directory above it moved. */
export interface CarriedEntry {
  aPath: BytePath;
  bPath: BytePath;
  type: FileType | undefined;
}

export type Entity = SimNode | CarriedEntry;

export function isNode(e: Entity): e is SimNode {
  return 'inode' in e;
}

/** What the candidate collection needs to know of the base tree (A). */
export interface BaseTree {
  list(rel: BytePath): { name: BytePath; type: FileType | undefined }[];
  type(rel: BytePath): FileType | undefined;
}

export interface Candidates {
  old: Map<BytePath, Entity>;
  new: Map<BytePath, Entity>;
}

export function collectCandidates(replay: ReplayResult, base: BaseTree): Candidates {
  const oldMap = new Map<BytePath, Entity>();
  const newMap = new Map<BytePath, Entity>();
  // The root is in both trees; only what the stream nominates about it can differ.
  if (replay.root.inode.origin !== null) oldMap.set('', replay.root);
  for (const node of replay.materialized) oldMap.set(node.aPath!, node);

  // Two parallel stacks, not one of pairs: tens of thousands of entries pass through here.
  const nodes: SimNode[] = [replay.root];
  const paths: BytePath[] = [''];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const bPath = paths.pop()!;
    newMap.set(bPath, node);
    node.children?.forEach((child, name) => {
      nodes.push(child);
      paths.push(joinPath(bPath, name));
    });
    const origin = node.inode.origin;
    if (origin !== null && node.aPath === origin && origin !== bPath) {
      node.inode.type ??= base.type(origin);
      if (node.inode.type === 'directory') carry(origin, bPath, node.consumed, base, oldMap, newMap);
    }
  }
  return { old: oldMap, new: newMap };
}

/** Every untouched descendant of the A directory aDir, now under bDir. */
function carry(
  aDir: BytePath,
  bDir: BytePath,
  consumed: Set<BytePath> | undefined,
  base: BaseTree,
  oldMap: Map<BytePath, Entity>,
  newMap: Map<BytePath, Entity>,
): void {
  const queue: [BytePath, BytePath, Set<BytePath> | undefined][] = [[aDir, bDir, consumed]];
  while (queue.length > 0) {
    const [a, b, skip] = queue.pop()!;
    for (const { name, type } of base.list(a)) {
      if (skip?.has(name)) continue;
      const entry: CarriedEntry = { aPath: joinPath(a, name), bPath: joinPath(b, name), type };
      oldMap.set(entry.aPath, entry);
      newMap.set(entry.bPath, entry);
      if (type === 'directory') queue.push([entry.aPath, entry.bPath, undefined]);
    }
  }
}

/** The identity of what an entity holds: the inode for replayed entries, itself when carried. */
export function identityOf(e: Entity): SimInode | CarriedEntry {
  return isNode(e) ? e.inode : e;
}

export function knownType(e: Entity): FileType | undefined {
  return isNode(e) ? e.inode.type : e.type;
}

/**
 * Where a new path's content came from, when it moved: the A path of its inode, if that
 * inode no longer sits there in B.
 */
export function fromOf(e: Entity, newMap: Map<BytePath, Entity>): BytePath | undefined {
  if (!isNode(e)) return e.aPath;
  const origin = e.inode.origin;
  if (origin === null) return undefined;
  const there = newMap.get(origin);
  return there !== undefined && identityOf(there) === e.inode ? undefined : origin;
}
