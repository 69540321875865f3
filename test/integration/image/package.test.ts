/**
 * Every managed system carries its own tool: `image create` (trixie by default) installs the
 * transactional-update package into snapshot 1 with apt. A bookworm system (nodejs 18) is
 * made without it and stays manageable from a host (--root). Without a package to install,
 * image create says how to build one.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYOUT_MARKER } from '../../../src/image/layout.js';
import { run } from '../../../src/util/exec.js';
import { chrootRun } from '../../support/aptChroot.js';
import { requireRootAndLoop } from '../../support/requirements.js';
import { cli, PROJECT_DIR, withTestSystem } from '../../support/system.js';
import { makeTestDir } from '../../support/tmp.js';
import { dpkgInstalled, snapshotNumbers } from '../transaction/support.js';
import { PACKAGE_VERSION } from '../package/support.js';

const skip = requireRootAndLoop(['snapper']);

describe.skipIf(skip)('the tool inside the systems image create makes', () => {
  it('a trixie system has transactional-update installed, run by the nodejs package\'s node', async () => {
    await withTestSystem(async (sys) => {
      expect(dpkgInstalled(sys.root).get('transactional-update')).toBe(PACKAGE_VERSION);
      expect(readFileSync(join(sys.root, 'etc/os-release'), 'utf8')).toMatch(/^VERSION_CODENAME=trixie$/m);
      const owner = await chrootRun(sys.root, ['dpkg-query', '--search', '/usr/bin/node']);
      expect(owner.stdout.trim()).toBe('nodejs: /usr/bin/node');
      const version = await chrootRun(sys.root, ['/usr/sbin/transactional-update', '--version'], { env: { TU_CODE_CACHE_DIR: '' } });
      expect(version.stdout.trim(), version.stderr).toBe(PACKAGE_VERSION);
      // The units are enabled, and their condition holds here: the layout's marker exists.
      // (The link is absolute inside the system: read the link itself.)
      expect(readlinkSync(join(sys.root, 'etc/systemd/system/timers.target.wants/transactional-update.timer'))).toMatch(/\/systemd\/system\/transactional-update\.timer$/);
      expect(existsSync(join(sys.root, '.snapshots', LAYOUT_MARKER))).toBe(true);
      // Nothing of it in the shared subvolumes that never roll back.
      expect(existsSync(join(sys.root, 'usr/local/sbin/transactional-update'))).toBe(false);
      expect(existsSync(join(sys.root, 'opt/transactional-update'))).toBe(false);
    });
  });

  it('a bookworm system is made without the package and is managed with --root', async () => {
    await withTestSystem(
      async (sys) => {
        expect(dpkgInstalled(sys.root).has('transactional-update')).toBe(false);
        expect(existsSync(join(sys.root, 'usr/sbin/transactional-update'))).toBe(false);
        expect(readFileSync(join(sys.root, 'etc/os-release'), 'utf8')).toMatch(/^VERSION_CODENAME=bookworm$/m);
        const install = await sys.tu(['pkg', 'install', 'tu-hello']);
        expect(install.exitCode, install.stderr).toBe(0);
        expect(snapshotNumbers(sys.root)).toEqual([1, 2]);
        const list = await sys.tu(['list']);
        expect(list.stdout).toContain('pkg install tu-hello');
      },
      { suite: 'bookworm' },
    );
  });

  it('says how to build the package when it has none, and refuses one for bookworm', async () => {
    const dir = await makeTestDir('no-package');
    // The built tool without a .deb beside it (its node_modules reached as in the checkout).
    mkdirSync(join(dir, 'dist/cli'), { recursive: true });
    for (const file of ['main.cjs', 'bundle.cjs', 'tu_native.node', 'tu-enter']) copyFileSync(join(PROJECT_DIR, 'dist/cli', file), join(dir, 'dist/cli', file));
    symlinkSync(join(PROJECT_DIR, 'node_modules'), join(dir, 'node_modules'));
    const image = join(dir, 'disk.img');
    const result = await run(process.execPath, [join(dir, 'dist/cli/main.cjs'), 'image', 'create', image], { reject: false, env: { TU_CODE_CACHE_DIR: '' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      "transactional-update: no transactional-update package to install into the image (build one with 'npm run package' in the source tree, or pass --package FILE)",
    ]);
    expect(existsSync(image)).toBe(false);

    const bookworm = await cli(['image', 'create', image, '--suite', 'bookworm', '--package', join(PROJECT_DIR, 'package.json')]);
    expect(bookworm.exitCode).toBe(2);
    expect(bookworm.stderr).toMatch(/^transactional-update: a bookworm system cannot carry the transactional-update package: its nodejs is older than 20 /m);
    expect(existsSync(image)).toBe(false);

    const plain = await cli(['image', 'create', image, '--suite', 'bookworm', '--size', '1G']);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stderr.trim().split('\n')).toEqual([
      'The bookworm system gets no transactional-update package (its nodejs is older than 20): manage it from a host with --root.',
      expect.stringMatching(/^Created .*disk\.img \(file system [0-9a-f-]+\): snapshot 1 is the default\.$/),
    ]);
    await run('rm', ['-rf', dir]);
  });
});
