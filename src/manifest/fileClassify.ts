/** The verdict on one path from gathered facts (pure). */
import type { BytePath } from './fileTree.js';
import { renderPath } from './filePaths.js';
import type { FileChange, FileModification, FileType } from './types.js';

export interface EntryFacts {
  type: FileType | undefined;
  mode: number;
  uid: number;
  gid: number;
}

export type PathFacts =
  | { rel: BytePath; kind: 'deleted'; oldType: FileType | undefined }
  | { rel: BytePath; kind: 'created'; newType: FileType | undefined; from: BytePath | undefined }
  | {
      rel: BytePath;
      kind: 'both';
      old: EntryFacts;
      new: EntryFacts;
      /** Content (bytes, link target, device number) differs. */
      content: boolean;
      acl: boolean;
      xattrs: boolean;
    };

export function classifyPath(facts: PathFacts, mountPrefix: string): FileChange | null {
  const rendered = renderPath(mountPrefix, facts.rel);
  if (facts.kind === 'deleted') {
    return { ...rendered, change: 'deleted', ...(facts.oldType ? { oldType: facts.oldType } : {}) };
  }
  if (facts.kind === 'created') {
    return {
      ...rendered,
      change: 'created',
      ...(facts.newType ? { newType: facts.newType } : {}),
      ...(facts.from !== undefined ? { from: renderPath(mountPrefix, facts.from).path } : {}),
    };
  }
  if (facts.old.type !== facts.new.type) {
    return { ...rendered, change: 'type-changed', oldType: facts.old.type, newType: facts.new.type };
  }
  const modified: FileModification = {};
  if (facts.content) modified.content = true;
  if ((facts.old.mode & 0o7777) !== (facts.new.mode & 0o7777)) modified.permissions = true;
  if (facts.old.uid !== facts.new.uid) modified.owner = true;
  if (facts.old.gid !== facts.new.gid) modified.group = true;
  if (facts.xattrs) modified.xattrs = true;
  if (facts.acl) modified.acl = true;
  if (Object.keys(modified).length === 0) return null;
  return { ...rendered, change: 'modified', modified, oldType: facts.old.type, newType: facts.new.type };
}

/** Sort by the path's bytes (BytePath order is byte order). */
export function compareRel(a: BytePath, b: BytePath): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
