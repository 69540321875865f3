/**
 * The pure parser of a configuration file in shell syntax: KEY=value, KEY="…", KEY='…',
 * `export KEY=…`, comments and blank lines — the subset openSUSE's files use. Nothing is
 * ever executed: command substitution, variables and other expansions are refused with the
 * file and line named (see shellWord.ts).
 */
import { TuError } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { readShellWord, ShellSyntaxError } from './shellWord.js';

export interface ConfigAssignment {
  key: string;
  value: string;
  /** 1-based line where the assignment starts. */
  line: number;
}

/** A shell variable name, or an indexed array element as tukit.conf writes `BINDDIRS[0]=`. */
const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?/;
const KEY_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?=/;

/** Parse the text of `file` (the name is used only in messages). Later assignments win. */
export function parseShellConfig(text: string, file: string): ConfigAssignment[] {
  try {
    return parseAssignments(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof ShellSyntaxError) {
      throw new TuError(`${escapeControl(file)}:${error.line}: ${error.message}`, {
        hint: 'the configuration uses shell syntax: KEY=value, KEY="value with spaces"',
      });
    }
    throw error;
  }
}

function parseAssignments(text: string): ConfigAssignment[] {
  const out: ConfigAssignment[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === ';') {
      i += 1;
      continue;
    }
    if (ch === '\n') {
      line += 1;
      i += 1;
      continue;
    }
    if (ch === '\r' && text[i + 1] === '\n') {
      i += 1;
      continue;
    }
    if (ch === '#') {
      i = skipComment(text, i);
      continue;
    }
    const statement = parseStatement(text, i, line);
    out.push(statement.assignment);
    i = statement.end;
    line = statement.line;
    i = expectEndOfStatement(text, i, line);
  }
  return out;
}

function parseStatement(text: string, start: number, line: number): { assignment: ConfigAssignment; end: number; line: number } {
  let i = start;
  const exportMatch = /^export[ \t]+/.exec(text.slice(i, i + 64));
  if (exportMatch) i += exportMatch[0].length;
  const rest = text.slice(i, i + 256);
  const keyMatch = KEY.exec(rest);
  if (!keyMatch) throw new ShellSyntaxError(`expected KEY=value, found ${quoteSnippet(rest)}`, line);
  const key = keyMatch[0];
  i += key.length;
  if (text.startsWith('+=', i)) throw new ShellSyntaxError(`appending (${key}+=…) is not supported`, line);
  if (text[i] !== '=') {
    throw new ShellSyntaxError(`expected KEY=value, found ${quoteSnippet(rest)}`, line);
  }
  i += 1;
  const word = readShellWord(text, i, line);
  return { assignment: { key, value: word.value, line }, end: word.end, line: word.line };
}

/** After a value: only white space, then a comment, ';', a line end or the end of the file. */
function expectEndOfStatement(text: string, start: number, line: number): number {
  let i = start;
  while (text[i] === ' ' || text[i] === '\t') i += 1;
  const ch = text[i];
  if (ch === undefined || ch === '\n' || ch === ';' || ch === '\r') return i;
  if (ch === '#') return skipComment(text, i);
  // `A=1 B=2` assigns both in a shell too: the next assignment is the next statement.
  if (KEY_ASSIGNMENT.test(text.slice(i, i + 256))) return i;
  throw new ShellSyntaxError(
    `unexpected ${quoteSnippet(text.slice(i, i + 40))} after the value (quote values that contain spaces)`,
    line,
  );
}

function skipComment(text: string, start: number): number {
  const end = text.indexOf('\n', start);
  return end < 0 ? text.length : end;
}

function quoteSnippet(text: string): string {
  const first = text.split('\n')[0]!.slice(0, 40);
  return first === '' ? 'nothing' : `'${escapeControl(first)}'`;
}
