/**
 * /proc/self/mountinfo (proc(5)): id parent dev root target options [optional…] - fstype
 * source super-options; paths carry octal escapes. Read in-process: no findmnt needed.
 */
import { readFileSync } from 'node:fs';

export interface MountEntry {
  target: string;
  source: string;
  fstype: string;
  /** The mounted path inside its file system, e.g. "/@/.snapshots/1/snapshot". */
  fsroot: string;
  options: string;
}

export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6) continue;
    entries.push({
      fsroot: decodeOctal(fields[3]!),
      target: decodeOctal(fields[4]!),
      options: fields[5]!,
      fstype: fields[dash + 1]!,
      source: decodeOctal(fields[dash + 2] ?? ''),
    });
  }
  return entries;
}

export function decodeOctal(text: string): string {
  // Most fields have no escape: the byte-wise decoding below is for the few that do.
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && /^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export function currentMounts(): MountEntry[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Mount points that exist right now. */
export function currentMountPoints(): string[] {
  return currentMounts().map((m) => m.target);
}
