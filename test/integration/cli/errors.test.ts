/** What a user sees when a command fails: one line, what failed and what to do; the rule's name with --verbose. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../../support/system.js';

describe('errors at the command line', () => {
  let dir: string;
  const cli = (args: string[]) => execa(process.execPath, [CLI_PATH, ...args], { reject: false, env: { TU_CODE_CACHE_DIR: '' } });

  beforeEach(() => {
    // A directory name with a newline and an escape sequence: untrusted input, printed escaped.
    dir = mkdtempSync(join(tmpdir(), 'tu-errors-\n\x1b[31m-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a failure is one line with what to do, exit 1, and the path escaped', async () => {
    const run = await cli(['--root', dir, 'list']);
    expect(run.exitCode).toBe(1);
    const lines = run.stderr.split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^transactional-update: .*tu-errors-\\n\\x1b\[31m-.* is not a mount point \(mount the system first with 'transactional-update image mount'\)$/);
    expect(run.stderr).not.toContain('\x1b');
  });

  it('--verbose adds the name of the rule that broke', async () => {
    const run = await cli(['--root', dir, '--verbose', 'list']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('error (EnvironmentError):');
    const quiet = await cli(['--root', dir, 'list']);
    expect(quiet.stderr).not.toContain('EnvironmentError');
  });

  it('every bad package argument is named at once, as a usage error (exit 2)', async () => {
    const run = await cli(['pkg', 'install', '--', '-x', 'ok', 'bad\u0007name']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('"-x"');
    expect(run.stderr).toContain('bad\\x07name');
    expect(run.stderr).not.toContain('"ok"');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
