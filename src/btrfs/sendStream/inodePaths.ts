/** All paths of one inode inside a subvolume (`btrfs inspect-internal inode-resolve`). */
import { spawn } from '../../util/exec.js';
import { TuError } from '../../errors.js';

/**
 * Paths of inode `ino` in the subvolume mounted at (or reached through) `subvol`, relative to
 * it, as latin1 byte strings (the names are raw bytes). btrfs prints one path per line, so a
 * name holding a newline spans lines: a line that does not start with the subvolume's path
 * continues the one before. Callers that must be sure check each path's inode.
 */
export async function resolveInodePaths(subvol: string, ino: number): Promise<string[]> {
  const result = await spawn('btrfs', ['inspect-internal', 'inode-resolve', String(ino), subvol], {
    encoding: 'buffer',
    // The last line's own newline is the parser's to remove: a name may end with a newline too.
    stripFinalNewline: false,
    stdin: 'ignore',
  });
  if (result.exitCode !== 0) {
    throw new TuError(`btrfs inspect-internal inode-resolve ${ino} failed`, {
      detail: Buffer.from(result.stderr as Uint8Array).toString(),
    });
  }
  return parseInodeResolve(Buffer.from(result.stdout as Uint8Array), subvol);
}

export function parseInodeResolve(stdout: Buffer, subvol: string): string[] {
  const prefix = Buffer.from(`${subvol.endsWith('/') ? subvol.slice(0, -1) : subvol}/`, 'utf8').toString('latin1');
  let text = stdout.toString('latin1');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  if (text === '') return [];
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(prefix) || paths.length === 0) paths.push(line);
    else paths[paths.length - 1] += `\n${line}`;
  }
  return paths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
}
