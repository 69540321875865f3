/**
 * The flat repository: dpkg-scanpackages indexes, apt-ftparchive's Release, InRelease signed
 * with the run's key, publish adds versions and re-signs, apt is pointed at it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import { buildRepo, defaultKeyDir, ensureSigningKey, pointAptAtLocalRepo, publish } from '../../support/repo.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';

const skip = requireMachine({ commands: ['dpkg-deb', 'dpkg-scanpackages', 'apt-ftparchive', 'gpg', 'gpgv'] }, 'repository tests');

let dir: string;

/** Packages file as "name version filename" lines. */
function index(repo: string): string[] {
  return readFileSync(join(repo, 'Packages'), 'utf8')
    .trim()
    .split('\n\n')
    .map((stanza) => {
      const get = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(stanza)?.[1];
      return `${get('Package')} ${get('Version')} ${get('Filename')}`;
    });
}

beforeAll(async () => {
  dir = await makeTestDir('repo');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('local repository', () => {
  it('indexes the packages it was built with, Packages.gz equal to Packages', async () => {
    const repo = join(dir, 'a');
    const debs = await buildRepo(repo, [
      { name: 'tu-hello', version: '1.0' },
      { name: 'tu-conf', version: '1.0' },
    ]);
    expect(debs).toEqual([join(repo, 'tu-hello_1.0_all.deb'), join(repo, 'tu-conf_1.0_all.deb')]);
    expect(index(repo)).toEqual(['tu-conf 1.0 ./tu-conf_1.0_all.deb', 'tu-hello 1.0 ./tu-hello_1.0_all.deb']);
    expect(gunzipSync(readFileSync(join(repo, 'Packages.gz'))).toString()).toBe(readFileSync(join(repo, 'Packages'), 'utf8'));
  });

  it('has a dated Release listing both indexes (and nothing else) with their sizes and hashes', async () => {
    const repo = join(dir, 'rel');
    await buildRepo(repo, [{ name: 'tu-hello', version: '1.0' }]);
    await publish(repo, { name: 'tu-hello', version: '2.0' });
    const release = readFileSync(join(repo, 'Release'), 'utf8');
    expect(release).toMatch(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/m);
    for (const name of ['Packages', 'Packages.gz']) {
      const data = readFileSync(join(repo, name));
      const sha256 = createHash('sha256').update(data).digest('hex');
      expect(release).toContain(` ${sha256} ${String(data.length).padStart(16)} ${name}\n`);
    }
    // Re-indexed in a staging directory: Release never lists itself or InRelease.
    expect(release).not.toMatch(/ (In)?Release$/m);
  });

  it('InRelease is Release clear-signed with the run\'s ed25519 key, and re-signed on publish', async () => {
    const repo = join(dir, 'signed');
    await buildRepo(repo, [{ name: 'tu-conf', version: '1.0' }]);
    const key = await ensureSigningKey(defaultKeyDir());
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    const verify = () => run('gpgv', ['--keyring', key.publicKey, '--output', '-', join(repo, 'InRelease')], { reject: false });
    const first = await verify();
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toContain(`using EDDSA key ${key.fingerprint}`);
    expect(`${first.stdout}\n`).toBe(readFileSync(join(repo, 'Release'), 'utf8'));

    await publish(repo, { name: 'tu-conf', version: '2.0' });
    const second = await verify();
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain(createHash('sha256').update(readFileSync(join(repo, 'Packages'))).digest('hex'));
    // The same key for the whole run: made once, then reused.
    expect((await ensureSigningKey(defaultKeyDir())).fingerprint).toBe(key.fingerprint);
  });

  it('unsigned on request: no InRelease', async () => {
    const repo = join(dir, 'unsigned');
    await buildRepo(repo, [{ name: 'tu-hello', version: '1.0' }], { signed: false });
    expect(existsSync(join(repo, 'Release'))).toBe(true);
    expect(existsSync(join(repo, 'InRelease'))).toBe(false);
  });

  it('publish adds a newer version beside the old one', async () => {
    const repo = join(dir, 'b');
    await buildRepo(repo, [{ name: 'tu-conf', version: '1.0' }]);
    await publish(repo, { name: 'tu-conf', version: '2.0' });
    expect(index(repo)).toEqual(['tu-conf 1.0 ./tu-conf_1.0_all.deb', 'tu-conf 2.0 ./tu-conf_2.0_all.deb']);
  });

  it('points a root at the repository alone, dropping the distribution sources', async () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'etc/apt/sources.list.d'), { recursive: true });
    writeFileSync(join(root, 'etc/apt/sources.list'), 'deb http://deb.debian.org/debian bookworm main\n');
    writeFileSync(join(root, 'etc/apt/sources.list.d/debian.sources'), 'Types: deb\n');
    writeFileSync(join(root, 'etc/apt/sources.list.d/keep.txt'), 'not a source\n');
    const repo = await pointAptAtLocalRepo(root, [{ name: 'tu-hello', version: '1.0' }]);
    expect(repo).toBe(join(root, 'srv/tu-repo'));
    expect(index(repo)).toEqual(['tu-hello 1.0 ./tu-hello_1.0_all.deb']);
    expect(existsSync(join(root, 'etc/apt/sources.list'))).toBe(false);
    expect(existsSync(join(root, 'etc/apt/sources.list.d/debian.sources'))).toBe(false);
    expect(existsSync(join(root, 'etc/apt/sources.list.d/keep.txt'))).toBe(true);
    expect(readFileSync(join(root, 'etc/apt/sources.list.d/tu-test.sources'), 'utf8')).toBe(
      'Types: deb\nURIs: file:/srv/tu-repo\nSuites: ./\nSigned-By: /etc/apt/keyrings/tu-test.gpg\n',
    );
    const key = await ensureSigningKey(defaultKeyDir());
    expect(readFileSync(join(root, 'etc/apt/keyrings/tu-test.gpg'))).toEqual(readFileSync(key.publicKey));
  });

  it('an unsigned repository gets a sources entry without Signed-By, and no key', async () => {
    const root = join(dir, 'root-unsigned');
    await pointAptAtLocalRepo(root, [{ name: 'tu-hello', version: '1.0' }], { signed: false });
    expect(readFileSync(join(root, 'etc/apt/sources.list.d/tu-test.sources'), 'utf8')).toBe(
      'Types: deb\nURIs: file:/srv/tu-repo\nSuites: ./\n',
    );
    expect(existsSync(join(root, 'etc/apt/keyrings/tu-test.gpg'))).toBe(false);
  });
});
