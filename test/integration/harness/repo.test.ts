/** The flat repository: dpkg-scanpackages indexes, publish adds versions, apt is pointed at it. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo, pointAptAtLocalRepo, publish } from '../../support/repo.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';

const skip = requireMachine({ commands: ['dpkg-deb', 'dpkg-scanpackages'] }, 'repository tests');

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

  it('has a dated Release listing both indexes with their sizes and hashes', async () => {
    const repo = join(dir, 'rel');
    await buildRepo(repo, [{ name: 'tu-hello', version: '1.0' }]);
    const release = readFileSync(join(repo, 'Release'), 'utf8');
    expect(release).toMatch(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d UTC$/m);
    for (const name of ['Packages', 'Packages.gz']) {
      const data = readFileSync(join(repo, name));
      const sha256 = createHash('sha256').update(data).digest('hex');
      expect(release).toContain(` ${sha256} ${String(data.length).padStart(8)} ${name}\n`);
    }
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
    expect(readFileSync(join(root, 'etc/apt/sources.list.d/tu-test.list'), 'utf8')).toBe(
      'deb [trusted=yes] file:/srv/tu-repo ./\n',
    );
  });
});
