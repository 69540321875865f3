/** The installed entry point: the bundle runs through a per-command V8 code cache. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_PATH, PROJECT_DIR } from '../../support/system.js';

const bundleHash = readFileSync(join(PROJECT_DIR, 'dist/cli/bundle.sha256'), 'utf8').split(' ')[0]!;

describe('the launcher', () => {
  let cacheDir: string;
  const cli = (args: string[], env: Record<string, string> = { TU_CODE_CACHE_DIR: cacheDir }) =>
    execa(process.execPath, [CLI_PATH, ...args], { env, reject: false });

  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'tu-launcher-'));
    chmodSync(cacheDir, 0o755);
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('writes a cache per command after the first run and keeps it while V8 accepts it', async () => {
    const first = await cli(['--version']);
    expect(first.exitCode).toBe(0);
    const file = join(cacheDir, 'help.v8cache');
    const data = readFileSync(file);
    expect(data.toString('latin1', 0, 100).split('\n')[0]).toBe(`tu-code-cache 1 ${bundleHash} ${process.version} ${process.arch}`);
    expect(data.length).toBeGreaterThan(10_000);
    const written = statSync(file).mtimeMs;

    const second = await cli(['--version']);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(file).mtimeMs).toBe(written);

    const help = await cli(['list', '--help']);
    expect(help.exitCode).toBe(0);
    expect(statSync(join(cacheDir, 'list.v8cache')).size).toBeGreaterThan(10_000);
  });

  it('replaces data V8 rejects, and behaves the same without any cache', async () => {
    const header = `tu-code-cache 1 ${bundleHash} ${process.version} ${process.arch}\n`;
    const file = join(cacheDir, 'help.v8cache');
    writeFileSync(file, Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(4096, 0x5a)]));
    const run = await cli(['--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: transactional-update');
    expect(readFileSync(file).subarray(header.length, header.length + 64).equals(Buffer.alloc(64, 0x5a))).toBe(false);

    const plain = await cli(['--help'], { TU_CODE_CACHE_DIR: '' });
    expect(plain.stdout).toBe(run.stdout);
  });

  it('keeps exit codes and error lines', async () => {
    const usage = await cli(['no-such-command']);
    expect(usage.exitCode).toBe(2);
    const failure = await cli(['--root', join(cacheDir, 'missing'), 'list']);
    expect(failure.exitCode).toBe(1);
    expect(failure.stderr).toMatch(/^transactional-update: /);
  });
});
