/**
 * Looking into a snapshot directory from outside. A snapshot's absolute symlinks point into
 * the host when followed from here, so nothing below follows a symlink: a path counts only
 * when each of its components is what it claims to be.
 */
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** lstat of root/relative, or undefined when it does not exist or a component is a symlink. */
export function lstatInside(root: string, relative: string): Stats | undefined {
  const parts = relative.split('/').filter(Boolean);
  let path = root;
  for (let i = 0; i < parts.length; i++) {
    path = join(path, parts[i]!);
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch {
      return undefined;
    }
    const last = i === parts.length - 1;
    if (!last && !stats.isDirectory()) return undefined;
    if (last) return stats;
  }
  return undefined;
}

/** True when root/relative exists as a directory entry (a symlink itself counts; it is not followed). */
export function entryExists(root: string, relative: string): boolean {
  return lstatInside(root, relative) !== undefined;
}

/** True when root/relative is a real directory reached without symlinks. */
export function isRealDirectory(root: string, relative: string): boolean {
  return lstatInside(root, relative)?.isDirectory() ?? false;
}

/** True when root/relative is a regular file reached without symlinks. */
export function isRegularFile(root: string, relative: string): boolean {
  return lstatInside(root, relative)?.isFile() ?? false;
}
