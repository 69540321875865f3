/**
 * readInstalledPackages against real package databases: this machine's own dpkg status
 * (checked against dpkg-query), and a real rpm database read through a read-only bind
 * mount, as a read-only snapshot presents it.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readInstalledPackages } from '../../../src/pkg/installed.js';
import { parseRpmQuery } from '../../../src/pkg/readers/rpmdb.js';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';

const fixtures = new URL('../../../fixtures/pkg/', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function testDir(prefix: string): Promise<string> {
  const dir = await makeTestDir(prefix);
  dirs.push(dir);
  return dir;
}

const key = (p: { name: string; arch: string; version: string }) => `${p.name}:${p.arch}=${p.version}`;

describe.skipIf(requireMachine({ commands: ['dpkg-query'] }, 'dpkg status integration test'))(
  "this machine's dpkg status",
  () => {
    it('is read from usr/lib/sysimage/dpkg exactly as dpkg-query lists the installed packages', async () => {
      const root = await testDir('pkg-dpkg');
      mkdirSync(join(root, 'usr/lib/sysimage/dpkg'), { recursive: true });
      cpSync('/var/lib/dpkg/status', join(root, 'usr/lib/sysimage/dpkg/status'));
      const listing = await run('dpkg-query', [
        '--admindir', join(root, 'usr/lib/sysimage/dpkg'),
        '-W', '-f', '${Package}\t${Architecture}\t${Version}\t${db:Status-Status}\n',
      ]);
      const present = new Set(['installed', 'triggers-awaited', 'triggers-pending', 'half-configured', 'unpacked']);
      const expected = listing.stdout
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((f) => present.has(f[3] ?? ''))
        .map(([name, arch, version]) => key({ name: name!, arch: arch!, version: version! }))
        .sort();

      const packages = await readInstalledPackages(root);
      expect(packages.map(key).sort()).toEqual(expected);
      expect(packages.length).toBeGreaterThan(100);
    });
  },
);

describe.skipIf(requireMachine({ root: true, commands: ['rpm', 'mount', 'umount'] }, 'rpm database integration test'))(
  'a real rpm database on a read-only mount',
  () => {
    it('is read without writing anything into the snapshot', async () => {
      const work = await testDir('pkg-rpm');
      const source = join(work, 'source');
      const snapshot = join(work, 'snapshot');
      cpSync(join(fixtures, 'rpm/root'), source, { recursive: true });
      mkdirSync(snapshot);
      await run('mount', ['--bind', source, snapshot]);
      try {
        await run('mount', ['-o', 'remount,bind,ro', snapshot]);
        const packages = await readInstalledPackages(snapshot);
        const recorded = parseRpmQuery(readFileSync(join(fixtures, 'rpm/rpm-qa.txt'), 'utf8'));
        expect(packages.map(key).sort()).toEqual(recorded.map(key).sort());
        expect(packages.filter((p) => p.name === 'tu-kernel')).toHaveLength(2);
      } finally {
        await run('umount', [snapshot]);
      }
      expect(readdirSync(join(source, 'usr/lib/sysimage/rpm'))).toEqual(['rpmdb.sqlite']);
    });
  },
);
