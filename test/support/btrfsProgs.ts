/**
 * What btrfs-progs prints, read back: the oracle that the tool's addon (src/util/addon.ts)
 * is checked against on real file systems, and the parsers' own tests on recorded output.
 */
import type { SpaceReport } from '../../src/util/addon.js';

/** `btrfs subvolume get-default`: "ID 258 gen 12 top level 257 path @/.snapshots/1/snapshot" or "ID 5 (FS_TREE)". */
export function parseGetDefault(text: string): { id: number; path: string } {
  const m = /^ID (\d+)\b(?:.* path (.*))?/m.exec(text.trim());
  if (!m) throw new Error(`unexpected output of btrfs subvolume get-default: ${text}`);
  return { id: Number(m[1]), path: m[2]?.trim() ?? '' };
}

/** `btrfs filesystem usage -b`: unallocated bytes, and the free room of data and metadata chunks plus it. */
export function parseFilesystemUsage(text: string): SpaceReport {
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? 'NaN');
  const unallocated = num(/Device unallocated:\s+(\d+)/);
  const section = (kind: string) => {
    const m = new RegExp(`^${kind},[^:]*: Size:(\\d+), Used:(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) - Number(m[2]) : 0;
  };
  return {
    unallocated,
    dataFree: section('Data') + unallocated,
    metadataFree: section('Metadata') + unallocated,
  };
}
