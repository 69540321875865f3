/**
 * The kernel command line of a snapshot, from its own configuration.
 *
 * Decision: /etc/kernel/cmdline (the systemd kernel-install convention, and what `kargs`
 * writes) wins when it exists. Otherwise Debian's GRUB settings are read: GRUB_CMDLINE_LINUX
 * then GRUB_CMDLINE_LINUX_DEFAULT from /etc/default/grub and /etc/default/grub.d/*.cfg (in
 * that order, as update-grub sources them). Those files are shell, but only assignments of
 * literal (quoted) text and references to the two variables themselves are understood; no
 * other expansion. Arguments the tool owns (root=, rootflags=, tu.*) are dropped: every
 * entry sets them itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KERNEL_CMDLINE_FILE = 'etc/kernel/cmdline';
const DEFAULT_GRUB = 'etc/default/grub';
const DEFAULT_GRUB_D = 'etc/default/grub.d';

/** Split a command line into words the way the kernel does: double quotes group spaces. */
export function splitCmdline(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  let any = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      word += ch;
      any = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (any) words.push(word);
      word = '';
      any = false;
    } else {
      word += ch;
      any = true;
    }
  }
  if (any) words.push(word);
  return words;
}

/** True for arguments the tool sets itself on every entry. */
export function isManagedArgument(word: string): boolean {
  return /^(root|rootflags|rootfstype)=/.test(word) || /^tu\./.test(word);
}

export function userArguments(words: readonly string[]): string[] {
  return words.filter((w) => !isManagedArgument(w));
}

/** Values of GRUB_CMDLINE_LINUX(_DEFAULT) after reading the given files in order. */
export function parseDefaultGrub(texts: readonly string[]): { linux: string; linuxDefault: string } {
  const vars: Record<string, string> = { GRUB_CMDLINE_LINUX: '', GRUB_CMDLINE_LINUX_DEFAULT: '' };
  for (const text of texts) {
    for (const raw of text.split('\n')) {
      const m = /^\s*(?:export\s+)?(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)=(.*)$/.exec(raw);
      if (!m) continue;
      vars[m[1]!] = shellValue(m[2]!, vars);
    }
  }
  return { linux: vars.GRUB_CMDLINE_LINUX!, linuxDefault: vars.GRUB_CMDLINE_LINUX_DEFAULT! };
}

/** A shell word of literal text: '…', "…" (with $VAR of our two variables), or bare. */
function shellValue(text: string, vars: Record<string, string>): string {
  let out = '';
  let i = 0;
  const expand = (s: string) =>
    s.replace(/\$\{?(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)\}?/g, (_, name: string) => vars[name] ?? '');
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      out += text.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let chunk = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) {
          chunk += text[j + 1];
          j += 2;
        } else chunk += text[j++];
      }
      out += expand(chunk);
      i = j + 1;
    } else if (/\s/.test(ch) || ch === '#' || ch === ';') {
      break;
    } else {
      let j = i;
      while (j < text.length && !/[\s'"#;]/.test(text[j]!)) j++;
      out += expand(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** Where the command line of a snapshot comes from, and its words (managed ones dropped). */
export interface SnapshotCmdline {
  source: 'kernel-cmdline' | 'default-grub' | 'none';
  args: string[];
}

export function readSnapshotCmdline(snapshotRoot: string): SnapshotCmdline {
  const kernelCmdline = join(snapshotRoot, KERNEL_CMDLINE_FILE);
  if (existsSync(kernelCmdline)) {
    const text = readFileSync(kernelCmdline, 'utf8')
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join(' ');
    return { source: 'kernel-cmdline', args: userArguments(splitCmdline(text)) };
  }
  const texts: string[] = [];
  const main = join(snapshotRoot, DEFAULT_GRUB);
  if (existsSync(main)) texts.push(readFileSync(main, 'utf8'));
  const dropIns = join(snapshotRoot, DEFAULT_GRUB_D);
  if (existsSync(dropIns)) {
    for (const name of readdirSync(dropIns).filter((n) => n.endsWith('.cfg')).sort()) {
      texts.push(readFileSync(join(dropIns, name), 'utf8'));
    }
  }
  if (texts.length === 0) return { source: 'none', args: [] };
  const { linux, linuxDefault } = parseDefaultGrub(texts);
  return { source: 'default-grub', args: userArguments(splitCmdline(`${linux} ${linuxDefault}`)) };
}
