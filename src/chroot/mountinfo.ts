/** /proc/self/mountinfo: which mount points exist (paths with octal escapes decoded). */
import { readFileSync } from 'node:fs';

export function parseMountPoints(text: string): string[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => decodeOctal(line.split(' ')[4] ?? ''))
    .filter(Boolean);
}

export function decodeOctal(text: string): string {
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

export function currentMountPoints(): string[] {
  return parseMountPoints(readFileSync('/proc/self/mountinfo', 'utf8'));
}
