/** A btrfs subvolume's root directory has inode number 256 (BTRFS_FIRST_FREE_OBJECTID). */
import { lstatSync } from 'node:fs';

export function isSubvolumeRoot(path: string): boolean {
  try {
    return lstatSync(path).ino === 256;
  } catch {
    return false;
  }
}
