/**
 * The text of `list`, kept in `/.snapshots/transactional-update.list.txt` (util/keptText.ts):
 * with a thousand snapshots, reading the index and rendering the table costs more than
 * Node's start, and between transactions the table does not change.
 *
 * The key is everything the table is made from: the build of the tool, the booted and the
 * default snapshot, the boot history file, and per snapshot its number, its info.xml and
 * manifest.json (inode, size, mtime: every writer renames, so a new inode) and whether its
 * root is there, read-only or writable. Any change to one of them makes the table again.
 */
import { join } from 'node:path';
import { fileSignatureOf } from '../manifest/index/indexFreshness.js';
import { bootHistoryFile } from '../snapshots/bootHistory.js';
import type { System } from '../snapshots/system.js';
import { nativeAddon } from '../util/addon.js';
import { readKeptText, writeKeptText } from '../util/keptText.js';

const MAGIC = 'tu-list-text 1';

export function listingTextFile(system: Pick<System, 'store'>): string {
  return join(system.store.dir, 'transactional-update.list.txt');
}

/** The key of the table as things are now; undefined when they cannot be read (then nothing is kept). */
export function listingTextKey(system: Pick<System, 'store' | 'stateDir' | 'booted'>, defaultNumber: number | undefined, build: string): string | undefined {
  try {
    return [
      `build ${build}`,
      `booted ${system.booted ?? '-'} default ${defaultNumber ?? '-'}`,
      `history ${fileSignatureOf(bootHistoryFile(system.stateDir))}`,
      nativeAddon().storeState(system.store.dir),
    ].join('\n');
  } catch {
    return undefined;
  }
}

export function readListingText(system: Pick<System, 'store'>, key: string): Buffer | undefined {
  return readKeptText(listingTextFile(system), MAGIC, key);
}

/** Keep the table under the key taken before it was made (a change meanwhile leaves a text nobody reads). */
export function writeListingText(system: Pick<System, 'store'>, key: string, text: string): void {
  writeKeptText(listingTextFile(system), MAGIC, key, text, 0o644);
}
