/**
 * Quoting for GRUB script. GRUB's lexer follows sh: inside single quotes nothing is special,
 * and a single quote itself is written as '\''. Control characters would break a line (or
 * hide text on a terminal), so titles carry them escaped as \xNN text.
 */
import { escapeControl } from '../../util/escape.js';

const PLAIN = /^[A-Za-z0-9_.,:=/+@%-]+$/;

/** One word for GRUB script: left bare when it holds only safe characters. */
export function grubWord(text: string): string {
  if (PLAIN.test(text)) return text;
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Always single-quoted (menu titles). Control characters become visible escapes. */
export function grubString(text: string): string {
  return `'${escapeControl(text).replace(/'/g, "'\\''")}'`;
}
