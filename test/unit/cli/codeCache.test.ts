import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheFile, readCodeCache, writeCodeCache } from '../../../src/cli/codeCache.js';

const key = { bundleHash: 'a'.repeat(64) };
const uid = process.getuid?.() ?? 0;

describe('code cache files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tu-code-cache-'));
    chmodSync(dir, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names one file per command word; anything else shares the help file', () => {
    expect(codeCacheFile(dir, 'list')).toBe(join(dir, 'list.v8cache'));
    expect(codeCacheFile(dir, undefined)).toBe(join(dir, 'help.v8cache'));
    expect(codeCacheFile(dir, 'grub.cfg')).toBe(join(dir, 'grub.cfg.v8cache'));
    // Not a command: the same file as help, never a file named by the user.
    expect(codeCacheFile(dir, '../etc/passwd')).toBe(join(dir, 'help.v8cache'));
    expect(codeCacheFile(dir, 'frobnicate')).toBe(join(dir, 'help.v8cache'));
    expect(codeCacheFile(dir, 'List')).toBe(join(dir, 'help.v8cache'));
    expect(codeCacheFile(dir, '\u001b[2J')).toBe(join(dir, 'help.v8cache'));
  });

  it('reads back what it wrote, for the same bundle and Node only', () => {
    const file = join(dir, 'list.v8cache');
    const data = Buffer.from([1, 2, 3, 250, 0, 7]);
    expect(writeCodeCache(file, key, data)).toBe(true);
    expect(readCodeCache(file, key, uid)).toEqual(data);
    expect(readCodeCache(file, { ...key, bundleHash: 'b'.repeat(64) }, uid)).toBeUndefined();
    writeFileSync(file, readFileSync(file, 'latin1').replace(process.version, 'v0.0.1'), 'latin1');
    expect(readCodeCache(file, key, uid)).toBeUndefined();
  });

  it('trusts no file another user could have written', () => {
    const file = join(dir, 'list.v8cache');
    writeCodeCache(file, key, Buffer.from('bytecode'));
    expect(readCodeCache(file, key, uid + 1)).toBeUndefined();
    chmodSync(file, 0o664);
    expect(readCodeCache(file, key, uid)).toBeUndefined();
    chmodSync(file, 0o644);
    chmodSync(dir, 0o777);
    expect(readCodeCache(file, key, uid)).toBeUndefined();
    expect(writeCodeCache(file, key, Buffer.from('x'))).toBe(false);
    chmodSync(dir, 0o755);
    expect(readCodeCache(file, key, uid)).toEqual(Buffer.from('bytecode'));
  });

  it('treats a missing or unwritable cache as no cache', () => {
    expect(readCodeCache(join(dir, 'diff.v8cache'), key, uid)).toBeUndefined();
    writeFileSync(join(dir, 'not-a-dir'), '');
    expect(writeCodeCache(join(dir, 'not-a-dir', 'list.v8cache'), key, Buffer.from('x'))).toBe(false);
  });
});
