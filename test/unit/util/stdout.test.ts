import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTerminal, looksLikeTerminal } from '../../../src/util/stdout.js';

/** The built module, for a child process of its own (its descriptors are the test's to choose). */
const BUILT = resolve('dist/util/stdout.js');
const child = (code: string, shell?: string) =>
  spawnSync(shell ? 'sh' : process.execPath, shell ? ['-c', shell] : ['--input-type=module', '-e', code], { encoding: 'utf8', maxBuffer: 64 << 20 });

describe('standard output without process.stdout', () => {
  it('tells a terminal from a pipe and a file, and a pty from `script` is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tu-stdout-'));
    const fd = openSync(join(dir, 'file'), 'w');
    try {
      expect(isTerminal(fd)).toBe(false);
      expect(looksLikeTerminal(fd)).toBe(false);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
    const piped = child(`import { isTerminal, looksLikeTerminal } from '${BUILT}'; console.log(isTerminal(1) + ' ' + looksLikeTerminal(1))`);
    expect(piped.stdout.trim()).toBe('false false');
    const code = `import { isTerminal, looksLikeTerminal } from '${BUILT}'; console.log(isTerminal(1) + ' ' + looksLikeTerminal(1))`;
    const pty = child('', `script -qec "${process.execPath} --input-type=module -e \\"${code.replace(/"/g, '\\\\\\"')}\\"" /dev/null`);
    expect(pty.stdout.replace(/\r/g, '').trim()).toBe('true true');
  });

  it('writes all of a large output through a pipe, and ends quietly when the reader goes away', () => {
    const code = `import { writeStdout } from '${BUILT}'; writeStdout('x'.repeat(4 << 20)); writeStdout('end\\n');`;
    const whole = child(code);
    expect(whole.status).toBe(0);
    expect(whole.stdout.length).toBe((4 << 20) + 4);
    const cut = child('', `${process.execPath} --input-type=module -e "${code.replace(/"/g, '\\"')}" | head -c 10 >/dev/null; echo "exit=\${PIPESTATUS:-$?}"`);
    expect(cut.stderr).toBe('');
  });
});
