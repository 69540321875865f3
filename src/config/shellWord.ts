/**
 * Reading one shell word — unquoted text, '…' and "…" segments, backslash escapes — without
 * ever running anything. Shared by the configuration parser and by the splitting of
 * REBOOT_COMMAND into an argument vector.
 *
 * Whatever a shell would expand (command substitution, variables, arithmetic, tilde) is
 * refused with a reason instead of being taken literally: the file would mean something else
 * to a shell, and a silent difference is worse than an error.
 */

export class ShellSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

export interface WordResult {
  value: string;
  /** Index just after the word. */
  end: number;
  /** Line number (1-based) at the end of the word: quotes and continuations may span lines. */
  line: number;
}

/** Characters that end an unquoted word. */
const WORD_END = new Set([' ', '\t', '\n', ';', '\r']);
/** Shell operators that would make the line mean something else than an assignment. */
const OPERATORS = new Set(['|', '&', '<', '>', '(', ')']);

/**
 * Read the word starting at `start` (which must not be white space). Throws ShellSyntaxError
 * naming the line of the problem.
 */
export function readShellWord(text: string, start: number, startLine: number): WordResult {
  let i = start;
  let line = startLine;
  let value = '';
  while (i < text.length) {
    const ch = text[i]!;
    if (WORD_END.has(ch)) {
      // "\r\n" line ends are accepted; a lone "\r" is part of nothing we understand.
      if (ch === '\r' && text[i + 1] !== '\n') throw new ShellSyntaxError('stray carriage return', line);
      break;
    }
    if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new ShellSyntaxError("unterminated single quote (')", line);
      const segment = text.slice(i + 1, close);
      value += segment;
      line += countNewlines(segment);
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      const quoted = readDoubleQuoted(text, i + 1, line);
      value += quoted.value;
      line = quoted.line;
      i = quoted.end;
      continue;
    }
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) throw new ShellSyntaxError('backslash at the end of the file', line);
      if (next === '\n') {
        line += 1; // line continuation: both characters vanish
      } else {
        value += next;
      }
      i += 2;
      continue;
    }
    if (ch === '`') throw new ShellSyntaxError('command substitution (`…`) is not allowed: the file is never run by a shell', line);
    if (ch === '$') {
      checkDollar(text, i, line);
      value += ch;
      i += 1;
      continue;
    }
    if (OPERATORS.has(ch)) {
      throw new ShellSyntaxError(`unquoted '${ch}' (quote values that contain shell operators)`, line);
    }
    if (ch === '~' && i === start) {
      throw new ShellSyntaxError("tilde expansion (~) is not supported: write the full path", line);
    }
    value += ch;
    i += 1;
  }
  return { value, end: i, line };
}

function readDoubleQuoted(text: string, start: number, startLine: number): WordResult {
  let i = start;
  let line = startLine;
  let value = '';
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return { value, end: i + 1, line };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === '\n') {
        line += 1;
        i += 2;
        continue;
      }
      // Inside double quotes a backslash escapes only these; elsewhere it stays (POSIX).
      if (next === '$' || next === '`' || next === '"' || next === '\\') {
        value += next;
        i += 2;
        continue;
      }
      value += ch;
      i += 1;
      continue;
    }
    if (ch === '`') throw new ShellSyntaxError('command substitution (`…`) is not allowed: the file is never run by a shell', line);
    if (ch === '$') checkDollar(text, i, line);
    if (ch === '\n') line += 1;
    value += ch;
    i += 1;
  }
  throw new ShellSyntaxError('unterminated double quote (")', startLine);
}

/** A '$' is literal only when a shell would leave it alone too. */
function checkDollar(text: string, i: number, line: number): void {
  const next = text[i + 1];
  if (next === undefined) return;
  if (next === '(') {
    throw new ShellSyntaxError('command substitution ($(…)) is not allowed: the file is never run by a shell', line);
  }
  if (next === '{' || /[A-Za-z0-9_@*#?$!-]/.test(next)) {
    throw new ShellSyntaxError('variable expansion ($…) is not supported: write the value literally', line);
  }
  if (next === "'" || next === '"') {
    throw new ShellSyntaxError(`$${next}…${next} quoting is not supported`, line);
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '\n') n += 1;
  return n;
}

/**
 * Split a command line into an argument vector the way a shell would split it, without a
 * shell: `/usr/bin/x --flag "a b"` → ['/usr/bin/x', '--flag', 'a b']. Throws ShellSyntaxError.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') {
      i += 1;
      continue;
    }
    if (ch === '\n' || ch === ';' || ch === '\r' || ch === '#') {
      throw new ShellSyntaxError(`'${ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch}' cannot appear unquoted in a command`, line);
    }
    const word = readShellWord(text, i, line);
    words.push(word.value);
    i = word.end;
    line = word.line;
  }
  return words;
}
