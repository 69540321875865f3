/**
 * `npm run package` (scripts/package.mjs): the .deb's contents, control fields and lintian,
 * and a test build of another version that says so.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';
import { buildToolPackage, controlField, PACKAGE_VERSION } from './support.js';

const skip = requireMachine({ commands: ['dpkg-deb', 'dpkg-shlibdeps', 'strip', 'lintian', 'readelf'] }, 'Debian package test');

const LIB = 'usr/lib/transactional-update';
const ADDON = `${LIB}/node_modules/better-sqlite3/build/Release/better_sqlite3.node`;

describe.skipIf(skip)('the Debian package', () => {
  let dir = '';
  let deb = '';
  let paths: string[] = [];
  let tree = '';

  beforeAll(async () => {
    dir = await makeTestDir('package');
    deb = await buildToolPackage(dir);
    const listing = await run('dpkg-deb', ['--contents', deb]);
    paths = listing.stdout.split('\n').filter(Boolean).map((line) => line.replace(/^.* \.\//, '').replace(/ -> .*$/, ''));
    tree = join(dir, 'tree');
    mkdirSync(tree);
    await run('dpkg-deb', ['--extract', deb, tree]);
  });

  afterAll(async () => {
    if (dir) await run('rm', ['-rf', dir]);
  });

  it('is named after the version in package.json and the architecture', async () => {
    expect(await controlField(deb, 'Package')).toBe('transactional-update');
    expect(await controlField(deb, 'Version')).toBe(PACKAGE_VERSION);
    expect(deb.endsWith(`_${PACKAGE_VERSION}_${(await run('dpkg', ['--print-architecture'])).stdout.trim()}.deb`)).toBe(true);
  });

  it('depends on what every transaction runs, and recommends what only some commands need', async () => {
    const depends = (await controlField(deb, 'Depends')).split(/,\s*/);
    expect(depends).toContain('nodejs (>= 20)');
    for (const name of ['btrfs-progs', 'tini', 'attr', 'acl', 'mount', 'grub-common']) expect(depends).toContain(name);
    expect(depends.some((d) => d.startsWith('util-linux'))).toBe(true);
    // The addon's libraries, as dpkg-shlibdeps found them.
    expect(depends.some((d) => d.startsWith('libc6 (>= '))).toBe(true);
    expect(await controlField(deb, 'Recommends')).toContain('mtools');
    expect(await controlField(deb, 'Suggests')).toContain('mmdebstrap');
    const size = Number(await controlField(deb, 'Installed-Size'));
    const du = Number((await run('du', ['-s', '--apparent-size', '--block-size=1K', tree])).stdout.split('\t')[0]);
    expect(Math.abs(size - du) / du).toBeLessThan(0.2);
  });

  it('puts the tool in /usr only: nothing under /usr/local, /opt or /var', () => {
    expect(paths.filter((p) => /^(usr\/local|opt|var)(\/|$)/.test(p))).toEqual([]);
    for (const p of [
      'usr/sbin/transactional-update', `${LIB}/main.cjs`, `${LIB}/bundle.cjs`, `${LIB}/tu_native.node`, `${LIB}/tu-enter`, ADDON,
      `${LIB}/node_modules/bindings/bindings.js`, `${LIB}/node_modules/etcd3/lib/index.js`,
      'usr/lib/systemd/system/transactional-update.timer', 'usr/share/man/man8/transactional-update.8.gz',
      'usr/share/man/man5/transactional-update.conf.5.gz', 'usr/etc/transactional-update.conf',
      'usr/share/doc/transactional-update/copyright', 'usr/share/doc/transactional-update/changelog.gz',
      'usr/share/lintian/overrides/transactional-update',
    ]) {
      expect(paths, p).toContain(p);
    }
    // Only what runs: no better-sqlite3 sources, no installer, no typings.
    expect(paths.filter((p) => /node_modules\/(prebuild-install|@types)\//.test(p) || p.endsWith('.d.ts') || p.includes('better-sqlite3/deps/'))).toEqual([]);
  });

  it('enables, masks and purges exactly the units that have an [Install] section', () => {
    const installable = readdirSync('systemd').filter((u) => /^\[Install\]$/m.test(readFileSync(join('systemd', u), 'utf8'))).sort();
    expect(installable.length).toBeGreaterThan(0);
    for (const script of ['postinst', 'postrm']) {
      const text = readFileSync(join('packaging/debian', script), 'utf8');
      const units = /^UNITS="([^"]*)"$/m.exec(text)?.[1]?.split(' ').sort();
      expect(units, script).toEqual(installable);
    }
  });

  it('runs the bundle with the system node from /usr/sbin', () => {
    expect(readFileSync(join(tree, 'usr/sbin/transactional-update'), 'utf8')).toMatch(/^exec \/usr\/bin\/node \/usr\/lib\/transactional-update\/main\.cjs "\$@"$/m);
  });

  it('ships a stripped addon', async () => {
    const sections = (await run('readelf', ['--section-headers', '--wide', join(tree, ADDON)])).stdout;
    expect(sections).toContain('.text');
    expect(sections).not.toMatch(/\.symtab|\.debug_/);
  });

  it('names every npm package whose code it carries in its copyright file', async () => {
    const copyright = readFileSync(join(tree, 'usr/share/doc/transactional-update/copyright'), 'utf8');
    expect(copyright).toMatch(/^Format: https:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/$/m);
    const shipped = new Set(paths.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(p)?.[1]).filter(Boolean));
    const map = JSON.parse(readFileSync('dist/cli/bundle.cjs.map', 'utf8')) as { sources: string[] };
    const bundled = new Set(map.sources.map((s) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(s)?.[1]).filter(Boolean));
    expect(bundled.has('commander')).toBe(true);
    for (const name of [...shipped, ...bundled]) expect(copyright, name).toContain(`Comment: npm package ${name} `);
    expect(copyright).toMatch(/^License: GPL-2\+$/m);
  });

  it('passes lintian without errors or warnings (the overrides carry their reasons)', async () => {
    const result = await run('lintian', ['--fail-on', 'error,warning', deb], { reject: false });
    expect(result.stdout.split('\n').filter((l) => /^[EW]: /.test(l))).toEqual([]);
    expect(result.exitCode).toBe(0);
    const overrides = readFileSync(join(tree, 'usr/share/lintian/overrides/transactional-update'), 'utf8').split('\n');
    overrides.forEach((line, i) => {
      if (line.startsWith('transactional-update: ')) expect(overrides.slice(0, i).reverse().find((l) => l.trim() !== '' && !l.startsWith('transactional-update: ')), line).toMatch(/^# /);
    });
  });

  it('lintian does report an error here (a package without a copyright file)', async () => {
    const broken = join(dir, 'broken');
    await run('cp', ['-a', tree, broken]);
    await run('rm', [join(broken, 'usr/share/doc/transactional-update/copyright')]);
    await run('dpkg-deb', ['--control', deb, join(broken, 'DEBIAN')]);
    const brokenDeb = join(dir, 'broken.deb');
    await run('dpkg-deb', ['--root-owner-group', '--build', broken, brokenDeb]);
    const result = await run('lintian', ['--fail-on', 'error', brokenDeb], { reject: false });
    expect(result.stdout).toMatch(/^E: transactional-update: no-copyright-file$/m);
    expect(result.exitCode).not.toBe(0);
  });

  it('builds a test version that reports that version', async () => {
    const other = await makeTestDir('package-version');
    try {
      const newer = await buildToolPackage(other, `${PACKAGE_VERSION}+test1`);
      expect(await controlField(newer, 'Version')).toBe(`${PACKAGE_VERSION}+test1`);
      const x = join(other, 'x');
      mkdirSync(x);
      await run('dpkg-deb', ['--extract', newer, x]);
      const version = await run(process.execPath, [join(x, LIB, 'main.cjs'), '--version'], { env: { TU_CODE_CACHE_DIR: '' } });
      expect(version.stdout.trim()).toBe(`${PACKAGE_VERSION}+test1`);
      const changelog = (await run('zcat', [join(x, 'usr/share/doc/transactional-update/changelog.gz')])).stdout;
      expect(changelog.split('\n')[0]).toBe(`transactional-update (${PACKAGE_VERSION}+test1) unstable; urgency=medium`);
    } finally {
      await run('rm', ['-rf', other]);
    }
  });
});
