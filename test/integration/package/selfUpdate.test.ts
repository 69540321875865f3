/**
 * A managed system updates its own tool like any other package: `pkg install` of a newer
 * transactional-update .deb makes a snapshot whose /usr/sbin/transactional-update is the new
 * one, while the booted snapshot keeps the old.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chrootRun } from '../../support/aptChroot.js';
import { requireRootAndLoop } from '../../support/requirements.js';
import { withTestSystem } from '../../support/system.js';
import { makeTestDir } from '../../support/tmp.js';
import { defaultNumber, dpkgInstalled, snapshotDir, snapshotNumbers } from '../transaction/support.js';
import { buildToolPackage, PACKAGE_VERSION } from './support.js';

const skip = requireRootAndLoop(['dpkg-deb', 'dpkg-shlibdeps', 'strip']);

/** `/usr/sbin/transactional-update --version` as the snapshot at root runs it (its own node and bundle). */
async function toolVersion(root: string): Promise<string> {
  const result = await chrootRun(root, ['/usr/sbin/transactional-update', '--version'], { env: { TU_CODE_CACHE_DIR: '' } });
  if (result.exitCode !== 0) throw new Error(`--version in ${root} failed: ${result.stderr}`);
  return result.stdout.trim();
}

describe.skipIf(skip)('the tool updating itself', () => {
  it('pkg install of a newer transactional-update .deb makes a snapshot that carries the newer tool', async () => {
    const newerVersion = `${PACKAGE_VERSION}+test1`;
    const newer = await buildToolPackage(await makeTestDir('newer-package'), newerVersion);
    await withTestSystem(async (sys) => {
      expect(dpkgInstalled(sys.root).get('transactional-update')).toBe(PACKAGE_VERSION);
      const install = await sys.tu(['pkg', 'install', newer]);
      expect(install.exitCode, install.stderr).toBe(0);
      expect(snapshotNumbers(sys.root)).toEqual([1, 2]);
      expect(await defaultNumber(sys.root)).toBe(2);
      const two = join(snapshotDir(sys.root, 2), 'snapshot');
      expect(dpkgInstalled(two).get('transactional-update')).toBe(newerVersion);
      expect(await toolVersion(two)).toBe(newerVersion);
      // The booted snapshot still has the tool it booted with: the update rolls back with it.
      expect(await toolVersion(join(snapshotDir(sys.root, 1), 'snapshot'))).toBe(PACKAGE_VERSION);
      const show = await sys.tu(['show', '2']);
      expect(show.stdout).toContain('transactional-update');
      expect(show.stdout).toContain(newerVersion);
    });
  });
});
