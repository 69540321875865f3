/** The verdict on one path from gathered facts (pure). */
import type { BytePath } from './fileTree.js';
import { renderPath } from './filePaths.js';
import type { FileChange, FileModification, FileType } from '../types.js';

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
  if (facts.kind === 'both' && facts.old.type === facts.new.type && !facts.content && !facts.xattrs && !facts.acl &&
      (facts.old.mode & 0o7777) === (facts.new.mode & 0o7777) && facts.old.uid === facts.new.uid && facts.old.gid === facts.new.gid) {
    return null;
  }
  const rendered: FileChange = renderPath(mountPrefix, facts.rel) as FileChange;
  if (facts.kind === 'deleted') {
    rendered.change = 'deleted';
    if (facts.oldType) rendered.oldType = facts.oldType;
    return rendered;
  }
  if (facts.kind === 'created') {
    rendered.change = 'created';
    if (facts.newType) rendered.newType = facts.newType;
    if (facts.from !== undefined) rendered.from = renderPath(mountPrefix, facts.from).path;
    return rendered;
  }
  if (facts.old.type !== facts.new.type) {
    rendered.change = 'type-changed';
    rendered.oldType = facts.old.type;
    rendered.newType = facts.new.type;
    return rendered;
  }
  const permissions = (facts.old.mode & 0o7777) !== (facts.new.mode & 0o7777);
  const owner = facts.old.uid !== facts.new.uid;
  const group = facts.old.gid !== facts.new.gid;
  if (!facts.content && !permissions && !owner && !group && !facts.xattrs && !facts.acl) return null;
  const modified: FileModification = {};
  if (facts.content) modified.content = true;
  if (permissions) modified.permissions = true;
  if (owner) modified.owner = true;
  if (group) modified.group = true;
  if (facts.xattrs) modified.xattrs = true;
  if (facts.acl) modified.acl = true;
  rendered.change = 'modified';
  rendered.modified = modified;
  rendered.oldType = facts.old.type;
  rendered.newType = facts.new.type;
  return rendered;
}

/** Sort by the path's bytes (BytePath order is byte order). */
export function compareRel(a: BytePath, b: BytePath): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
