import { describe, expect, it } from 'vitest';
import { ShellSyntaxError, splitShellWords } from '../../../src/config/shellWord.js';

describe('splitShellWords', () => {
  it('splits like a shell, quotes and escapes included', () => {
    expect(splitShellWords('/usr/bin/x --flag "a b" \'c $d\' e\\ f')).toEqual(['/usr/bin/x', '--flag', 'a b', 'c $d', 'e f']);
    expect(splitShellWords('  ')).toEqual([]);
    expect(splitShellWords('a"b"\'c\'')).toEqual(['abc']);
    expect(splitShellWords('echo "say \\"hi\\" \\$HOME"')).toEqual(['echo', 'say "hi" $HOME']);
  });

  it('keeps a backslash inside double quotes before other characters (POSIX)', () => {
    expect(splitShellWords('"a\\nb"')).toEqual(['a\\nb']);
  });

  it('refuses what a shell would expand or treat as an operator', () => {
    for (const text of ['x $(reboot)', 'x `reboot`', 'x $HOME', 'x ${A}', 'a | b', 'a; b', 'a && b', 'x > /f', '~/bin/x', 'a #c', "x $'\\n'"]) {
      expect(() => splitShellWords(text), text).toThrow(ShellSyntaxError);
    }
  });

  it('keeps a lone dollar and a hash inside a word', () => {
    expect(splitShellWords('price$ a#b')).toEqual(['price$', 'a#b']);
  });

  it('reports unterminated quotes', () => {
    expect(() => splitShellWords('x "abc')).toThrow('unterminated double quote');
    expect(() => splitShellWords("x 'abc")).toThrow('unterminated single quote');
  });
});
