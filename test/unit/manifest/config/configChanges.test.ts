import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeConfigChanges } from '../../../../src/manifest/config/configChanges.js';
import { DEFAULT_CONFIG_CAPS } from '../../../../src/manifest/config/configPolicy.js';
import type { FileChange } from '../../../../src/manifest/types.js';

let dir: string;
let base: string;
let next: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tu-config-'));
  base = join(dir, 'base');
  next = join(dir, 'next');
  mkdirSync(base);
  mkdirSync(next);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function put(root: string, rel: string, content: string | Buffer, mode = 0o644): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

const modified = (path: string): FileChange => ({ path, change: 'modified', modified: { content: true } });

describe('computeConfigChanges', () => {
  it('diffs a changed text file as a unified diff', async () => {
    put(base, 'app.conf', 'a=1\nb=2\n');
    put(next, 'app.conf', 'a=1\nb=3\n');
    const [change] = await computeConfigChanges(base, next, [modified('/etc/app.conf')]);
    expect(change).toEqual({
      path: '/etc/app.conf',
      change: 'modified',
      patch: '--- a/etc/app.conf\n+++ b/etc/app.conf\n@@ -1,2 +1,2 @@\n a=1\n-b=2\n+b=3\n',
    });
  });

  it('diffs created and deleted files against empty', async () => {
    put(next, 'new.conf', 'x\n');
    put(base, 'old.conf', 'y\n');
    const changes = await computeConfigChanges(base, next, [
      { path: '/etc/old.conf', change: 'deleted' },
      { path: '/etc/new.conf', change: 'created' },
    ]);
    expect(changes.map((c) => c.patch)).toEqual([
      '--- /dev/null\n+++ b/etc/new.conf\n@@ -0,0 +1,1 @@\n+x\n',
      '--- a/etc/old.conf\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-y\n',
    ]);
  });

  it('withholds the content of a file that is not world-readable on either side', async () => {
    put(base, 'shadow', 'root:old-hash:1\n', 0o640);
    put(next, 'shadow', 'root:new-hash:1\n', 0o640);
    put(base, 'became-secret', 'public\n', 0o644);
    put(next, 'became-secret', 'secret\n', 0o600);
    put(base, 'was-secret', 'secret\n', 0o600);
    put(next, 'was-secret', 'public\n', 0o644);
    put(next, 'new-key', 'PRIVATE KEY\n', 0o600);
    const changes = await computeConfigChanges(base, next, [
      modified('/etc/shadow'),
      modified('/etc/became-secret'),
      modified('/etc/was-secret'),
      { path: '/etc/new-key', change: 'created' },
    ]);
    expect(changes).toEqual([
      { path: '/etc/became-secret', change: 'modified', patch: null, withheld: 'not-world-readable' },
      { path: '/etc/new-key', change: 'created', patch: null, withheld: 'not-world-readable' },
      { path: '/etc/shadow', change: 'modified', patch: null, withheld: 'not-world-readable' },
      { path: '/etc/was-secret', change: 'modified', patch: null, withheld: 'not-world-readable' },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/hash|secret\\n|PRIVATE/);
  });

  it('withholds a world-readable file inside a directory others cannot enter', async () => {
    put(base, 'ssl/private/key.pem', 'old key\n');
    put(next, 'ssl/private/key.pem', 'new key\n');
    chmodSync(join(next, 'ssl/private'), 0o710);
    const [change] = await computeConfigChanges(base, next, [modified('/etc/ssl/private/key.pem')]);
    expect(change).toMatchObject({ patch: null, withheld: 'not-world-readable' });
  });

  it('lists binary files (NUL byte, invalid UTF-8) without content', async () => {
    put(base, 'db.bin', Buffer.from([1, 2, 3]));
    put(next, 'db.bin', Buffer.from([1, 0, 3]));
    put(base, 'latin1.txt', 'caf\n');
    put(next, 'latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const changes = await computeConfigChanges(base, next, [modified('/etc/db.bin'), modified('/etc/latin1.txt')]);
    expect(changes.map((c) => [c.path, c.patch, c.withheld])).toEqual([
      ['/etc/db.bin', null, 'binary'],
      ['/etc/latin1.txt', null, 'binary'],
    ]);
  });

  it('withholds a patch over the per-file cap, and caps the snapshot once its budget is spent', async () => {
    for (const name of ['a.conf', 'b.conf', 'c.conf', 'd.conf']) {
      put(base, name, 'old\n');
      put(next, name, name === 'b.conf' ? `${'x'.repeat(300)}\n` : 'new\n');
    }
    const caps = { ...DEFAULT_CONFIG_CAPS, perFileBytes: 200, perSnapshotBytes: 100 };
    const changes = await computeConfigChanges(
      base,
      next,
      ['/etc/a.conf', '/etc/b.conf', '/etc/c.conf', '/etc/d.conf'].map(modified),
      caps,
    );
    expect(changes.map((c) => [c.path, c.patch === null ? null : 'patch', c.withheld])).toEqual([
      ['/etc/a.conf', 'patch', undefined],
      ['/etc/b.conf', null, 'too-large'],
      ['/etc/c.conf', null, 'capped'],
      ['/etc/d.conf', null, 'capped'],
    ]);
  });

  it('never reads a file larger than the input limit', async () => {
    put(base, 'big', 'a\n'.repeat(100));
    put(next, 'big', 'b\n'.repeat(100));
    const [change] = await computeConfigChanges(base, next, [modified('/etc/big')], { ...DEFAULT_CONFIG_CAPS, maxInputBytes: 100 });
    expect(change).toMatchObject({ patch: null, withheld: 'too-large' });
  });

  it('skips metadata-only changes, symlinks, directories and paths outside /etc', async () => {
    put(base, 'perm.conf', 'same\n', 0o644);
    put(next, 'perm.conf', 'same\n', 0o640);
    symlinkSync('/usr/share/zoneinfo/UTC', join(next, 'localtime'));
    mkdirSync(join(next, 'newdir'));
    put(next, 'tricky', 'x\n');
    const changes = await computeConfigChanges(base, next, [
      { path: '/etc/perm.conf', change: 'modified', modified: { permissions: true } },
      { path: '/etc/localtime', change: 'created', newType: 'symlink' },
      { path: '/etc/newdir', change: 'created', newType: 'directory' },
      { path: '/usr/bin/x', change: 'created' },
      { path: '/etc/../etc/tricky', change: 'created' },
    ]);
    expect(changes).toEqual([]);
  });

  it('reads a file whose name is not UTF-8 through pathBase64', async () => {
    const name = Buffer.from([0x66, 0xff, 0x2e, 0x63]); // "f\xff.c"
    const path = (root: string) => Buffer.concat([Buffer.from(`${root}/`), name]);
    writeFileSync(path(base), 'one\n');
    writeFileSync(path(next), 'two\n');
    const [change] = await computeConfigChanges(base, next, [
      { path: '/etc/f\\xff.c', pathBase64: Buffer.concat([Buffer.from('/etc/'), name]).toString('base64'), change: 'modified', modified: { content: true } },
    ]);
    expect(change?.patch).toBe('--- a/etc/f\\xff.c\n+++ b/etc/f\\xff.c\n@@ -1,1 +1,1 @@\n-one\n+two\n');
  });
});
