/** Facts about every path of an /etc tree, enough to tell whether two versions are the same. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export type EtcEntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface EtcEntry {
  type: EtcEntryType;
  mode: number;
  uid: number;
  gid: number;
  /** sha256 of a file's content, or a symlink's target. */
  content: string;
}

/** path relative to the tree ("ssh/sshd_config") → facts. Nested subvolumes are walked too. */
export function scanEtc(dir: string): Map<string, EtcEntry> {
  const entries = new Map<string, EtcEntry>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(dir, path);
      const st = lstatSync(full);
      const common = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (st.isDirectory()) {
        entries.set(path, { type: 'dir', ...common, content: '' });
        walk(path);
      } else if (st.isSymbolicLink()) {
        entries.set(path, { type: 'symlink', ...common, mode: 0, content: readlinkSync(full) });
      } else if (st.isFile()) {
        entries.set(path, { type: 'file', ...common, content: createHash('sha256').update(readFileSync(full)).digest('hex') });
      } else {
        entries.set(path, { type: 'other', ...common, content: String(st.rdev) });
      }
    }
  };
  walk('');
  return entries;
}

export function sameEntry(a: EtcEntry | undefined, b: EtcEntry | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.content === b.content;
}
