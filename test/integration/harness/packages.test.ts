/** The fixture packages as dpkg-deb sees them: fields, contents, modes, reproducibility. */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import { buildPackage, listFixturePackages } from '../../support/repo.js';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';

const skip = requireMachine({ commands: ['dpkg-deb'] }, 'package build tests');

let dir: string;
const built = new Map<string, string>();

async function deb(name: string, version: string): Promise<string> {
  const key = `${name}_${version}`;
  if (!built.has(key)) built.set(key, await buildPackage(name, version, join(dir, 'out')));
  return built.get(key)!;
}

async function field(path: string, name: string): Promise<string> {
  return (await run('dpkg-deb', ['-f', path, name])).stdout;
}

/** `dpkg-deb -c` as "mode owner path" lines, directories left out. */
async function listing(path: string): Promise<string[]> {
  const { stdout } = await run('dpkg-deb', ['-c', path]);
  return stdout
    .split('\n')
    .map((line) => line.split(/\s+/))
    .filter((cols) => cols[0] && !cols[0].startsWith('d'))
    .map((cols) => `${cols[0]} ${cols[1]} ${cols.slice(5).join(' ')}`);
}

async function extract(path: string): Promise<string> {
  const target = join(dir, `x-${createHash('sha1').update(path).digest('hex').slice(0, 8)}`);
  await mkdir(target, { recursive: true });
  await run('dpkg-deb', ['-x', path, target]);
  return target;
}

beforeAll(async () => {
  dir = await makeTestDir('packages');
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('fixture packages', () => {
  it('are the ones the tests name', () => {
    expect(listFixturePackages().map((p) => `${p.name} ${p.version}`)).toEqual([
      'tu-big 1.0',
      'tu-broken 1.0',
      'tu-conf 1.0',
      'tu-conf 2.0',
      'tu-daemon 1.0',
      'tu-daily 1.0',
      'tu-daily 2.0',
      'tu-daily 3.0',
      'tu-daily 4.0',
      'tu-hello 1.0',
      'tu-hello 2.0',
      'tu-kmod 1.0',
    ]);
  });

  it.each(listFixturePackages())('$name $version builds with its name, version and architecture', async ({ name, version }) => {
    const path = await deb(name, version);
    expect(path.endsWith(`/${name}_${version}_all.deb`)).toBe(true);
    expect(await field(path, 'Package')).toBe(name);
    expect(await field(path, 'Version')).toBe(version);
    expect(await field(path, 'Architecture')).toBe('all');
  });

  it('tu-hello prints its version; only 2.0 ships NEWS', async () => {
    for (const version of ['1.0', '2.0']) {
      const root = await extract(await deb('tu-hello', version));
      expect((await run(join(root, 'usr/bin/tu-hello'), [])).stdout).toBe(`tu-hello ${version}`);
    }
    expect(await listing(await deb('tu-hello', '1.0'))).toEqual(['-rwxr-xr-x root/root ./usr/bin/tu-hello']);
    expect(await listing(await deb('tu-hello', '2.0'))).toEqual([
      '-rwxr-xr-x root/root ./usr/bin/tu-hello',
      '-rw-r--r-- root/root ./usr/share/doc/tu-hello/NEWS',
    ]);
  });

  it('tu-conf ships two conffiles, the secret one mode 0600, both changed in 2.0', async () => {
    for (const version of ['1.0', '2.0']) {
      const path = await deb('tu-conf', version);
      expect((await run('dpkg-deb', ['-I', path, 'conffiles'])).stdout).toBe('/etc/tu-conf.conf\n/etc/tu-conf.secret');
      expect(await listing(path)).toEqual([
        '-rw-r--r-- root/root ./etc/tu-conf.conf',
        '-rw------- root/root ./etc/tu-conf.secret',
      ]);
    }
    const one = await extract(await deb('tu-conf', '1.0'));
    const two = await extract(await deb('tu-conf', '2.0'));
    for (const file of ['etc/tu-conf.conf', 'etc/tu-conf.secret']) {
      expect(readFileSync(join(one, file), 'utf8')).not.toBe(readFileSync(join(two, file), 'utf8'));
    }
  });

  it('tu-broken has a postinst that exits 1', async () => {
    const control = join(dir, 'broken-control');
    await run('dpkg-deb', ['-e', await deb('tu-broken', '1.0'), control]);
    expect(statSync(join(control, 'postinst')).mode & 0o777).toBe(0o755);
    expect((await run(join(control, 'postinst'), ['configure'], { reject: false })).exitCode).toBe(1);
  });

  it('tu-daemon ships a systemd unit and an init script, and its postinst starts it through the policy layer', async () => {
    const path = await deb('tu-daemon', '1.0');
    expect(await listing(path)).toEqual([
      '-rwxr-xr-x root/root ./etc/init.d/tu-daemon',
      '-rw-r--r-- root/root ./lib/systemd/system/tu-daemon.service',
      '-rwxr-xr-x root/root ./usr/sbin/tu-daemon',
    ]);
    const postinst = (await run('dpkg-deb', ['-I', path, 'postinst'])).stdout;
    expect(postinst).toContain('deb-systemd-invoke start tu-daemon.service');
    expect(postinst).toContain('invoke-rc.d tu-daemon start');
  });

  it('tu-big carries 50 MB and builds byte for byte the same every time', async () => {
    const first = await buildPackage('tu-big', '1.0', join(dir, 'big-a'), { cacheDir: '' });
    const second = await buildPackage('tu-big', '1.0', join(dir, 'big-b'), { cacheDir: '' });
    expect(await listing(first)).toEqual(['-rw-r--r-- root/root ./usr/share/tu-big/blob']);
    expect((await run('dpkg-deb', ['-c', first])).stdout).toMatch(/ 52428800 .* \.\/usr\/share\/tu-big\/blob$/m);
    const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(hash(first)).toBe(hash(second));
  });

  it('are built once per cache and copied from there afterwards', async () => {
    const cacheDir = join(dir, 'cache');
    await buildPackage('tu-hello', '1.0', join(dir, 'c1'), { cacheDir });
    const cached = statSync(join(cacheDir, 'tu-hello_1.0_all.deb'));
    await buildPackage('tu-hello', '1.0', join(dir, 'c2'), { cacheDir });
    expect(statSync(join(cacheDir, 'tu-hello_1.0_all.deb')).ino).toBe(cached.ino);
    expect(statSync(join(dir, 'c2', 'tu-hello_1.0_all.deb')).size).toBe(cached.size);
  });

  it('names a missing package source', async () => {
    await expect(buildPackage('tu-nothing', '1.0', join(dir, 'none'), { cacheDir: '' })).rejects.toThrow(
      /^no package source tu-nothing 1\.0 \(expected .*fixtures\/packages\/tu-nothing-1\.0\/DEBIAN\/control\)$/,
    );
  });
});
