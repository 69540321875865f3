import { describe, expect, it } from 'vitest';
import { parseShellConfig } from '../../../src/config/parseShellConfig.js';
import { TuError } from '../../../src/errors.js';

const F = '/etc/transactional-update.conf';

function values(text: string): Record<string, string> {
  return Object.fromEntries(parseShellConfig(text, F).map((a) => [a.key, a.value]));
}

function errorOf(text: string): string {
  try {
    parseShellConfig(text, F);
  } catch (error) {
    expect(error).toBeInstanceOf(TuError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('parseShellConfig', () => {
  it('reads plain, quoted and exported assignments, comments and blank lines', () => {
    const text = [
      '# comment',
      '',
      'A=plain',
      'B="with spaces"',
      "C='single $quoted'",
      'export D=exported',
      '  E=indented   # trailing comment',
      'F=',
      'G=a#b',
      'H="multi',
      'line"',
      'I=one; J=two',
      'O=1 P="2 3"',
      'K=con\\',
      'tinued',
      'L="it\'s"',
      "M='say \"x\"'",
      'N=a"b c"d',
    ].join('\n');
    expect(values(text)).toEqual({
      A: 'plain',
      B: 'with spaces',
      C: 'single $quoted',
      D: 'exported',
      E: 'indented',
      F: '',
      G: 'a#b',
      H: 'multi\nline',
      I: 'one',
      J: 'two',
      K: 'continued',
      L: "it's",
      M: 'say "x"',
      N: 'ab cd',
      O: '1',
      P: '2 3',
    });
  });

  it('gives the line each assignment starts on', () => {
    const parsed = parseShellConfig('A=1\n\nB="x\ny"\nC=3\n', F);
    expect(parsed.map((a) => [a.key, a.line])).toEqual([['A', 1], ['B', 3], ['C', 5]]);
  });

  it('lets a later assignment win and accepts CRLF, a BOM and tukit array keys', () => {
    expect(values('\uFEFFA=1\r\nA=2\r\nBINDDIRS[0]="/opt"\r\n')).toEqual({ A: '2', 'BINDDIRS[0]': '/opt' });
  });

  it('refuses command substitution with file and line, never running it', () => {
    expect(errorOf('A=1\nB=$(touch /tmp/pwned)\n')).toBe(
      `${F}:2: command substitution ($(…)) is not allowed: the file is never run by a shell`,
    );
    expect(errorOf('A="x"\n\nB="`id`"')).toBe(`${F}:3: command substitution (\`…\`) is not allowed: the file is never run by a shell`);
    expect(errorOf('A="a\nb"\nB="$(id)"')).toMatch(new RegExp(`^${F}:3: command substitution`));
  });

  it('refuses variable expansion, operators and commands', () => {
    expect(errorOf('A=$HOME')).toBe(`${F}:1: variable expansion ($…) is not supported: write the value literally`);
    expect(errorOf('A="${B}"')).toMatch(/^\/etc\/transactional-update.conf:1: variable expansion/);
    expect(errorOf('A=x y')).toBe(`${F}:1: unexpected 'y' after the value (quote values that contain spaces)`);
    expect(errorOf('source /etc/other')).toBe(`${F}:1: expected KEY=value, found 'source /etc/other'`);
    expect(errorOf('A=1 | tee')).toMatch(/:1: unexpected '\| tee'/);
    expect(errorOf('A=a|b')).toBe(`${F}:1: unquoted '|' (quote values that contain shell operators)`);
    expect(errorOf('A+=x')).toBe(`${F}:1: appending (A+=…) is not supported`);
    expect(errorOf('1A=x')).toMatch(/:1: expected KEY=value/);
    expect(errorOf('A = x')).toMatch(/:1: expected KEY=value/);
  });

  it('reports an unterminated quote on the line it opened', () => {
    expect(errorOf('A=1\nB="open\nC=2\n')).toBe(`${F}:2: unterminated double quote (")`);
    expect(errorOf("A='open")).toBe(`${F}:1: unterminated single quote (')`);
  });

  it('escapes control characters of the file name in messages', () => {
    expect(() => parseShellConfig('A=$(x)', '/etc/evil\x1b[31m.conf')).toThrow('/etc/evil\\x1b[31m.conf:1:');
  });
});
