/**
 * A package bigger than the free space: a sparse file of zeros, packed with zstd, is a
 * .deb of a few kilobytes that dpkg unpacks into hundreds of megabytes. Built with the real
 * dpkg-deb and served by the test system's own repository.
 */
import { mkdir, truncate, writeFile, rm, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.js';
import { scanRepo } from '../../support/repo.js';
import { makeTestDir } from '../../support/tmp.js';

export async function publishHugePackage(repoDir: string, name: string, bytes: number): Promise<void> {
  const work = await makeTestDir('huge-package');
  try {
    const root = join(work, 'root');
    await mkdir(join(root, 'DEBIAN'), { recursive: true });
    await mkdir(join(root, 'usr/share', name), { recursive: true });
    await writeFile(
      join(root, 'DEBIAN/control'),
      [
        `Package: ${name}`,
        'Version: 1.0',
        'Architecture: all',
        'Maintainer: transactional-update tests <tests@localhost>',
        `Installed-Size: ${Math.ceil(bytes / 1024)}`,
        'Description: a package bigger than the free space',
        '',
      ].join('\n'),
    );
    await writeFile(join(root, 'usr/share', name, 'blob'), '');
    await truncate(join(root, 'usr/share', name, 'blob'), bytes);
    const deb = join(work, `${name}_1.0_all.deb`);
    await run('dpkg-deb', ['--root-owner-group', '-Zzstd', '-z1', '--build', root, deb]);
    await copyFile(deb, join(repoDir, `${name}_1.0_all.deb`));
    await scanRepo(repoDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
