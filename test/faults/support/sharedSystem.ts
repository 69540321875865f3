/**
 * One test system shared by the tests of a fault file: `image create` and a mount cost
 * seconds each, and the fault suite has ten minutes for every row. Created in beforeAll,
 * unmounted in afterAll (also when a test failed); each test leaves the system usable for the
 * next one, and checks that it did.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_PACKAGES, type PackageRef } from '../../support/repo.js';
import { createTestImage, mountImage, testSystemAt, umountImage, type TestSystem } from '../../support/system.js';
import { mountsInside } from '../../support/systemState.js';
import { makeTestDir } from '../../support/tmp.js';

export interface SharedSystemOptions {
  size?: string;
  packages?: readonly PackageRef[];
}

/**
 * Register beforeAll/afterAll in the calling describe; the returned function gives the
 * system to the tests (it throws when set-up failed, so every test fails with that reason).
 */
export function shareTestSystem(options: SharedSystemOptions = {}): () => TestSystem {
  let sys: TestSystem | undefined;
  let dir: string | undefined;
  let mounted = false;
  beforeAll(async () => {
    dir = await makeTestDir('faults');
    const image = await createTestImage({ file: join(dir, 'disk.img'), size: options.size ?? '1536M' });
    const root = join(dir, 'root');
    await mountImage(image, root);
    mounted = true;
    sys = await testSystemAt(root, image, options.packages ?? DEFAULT_PACKAGES);
  });
  afterAll(async () => {
    if (!dir) return;
    if (mounted) await umountImage(join(dir, 'root'));
    // rm -r crosses mount points: only over a directory with nothing mounted inside.
    if ((await mountsInside(dir)).length === 0) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!sys) throw new Error('the shared test system could not be set up (see beforeAll)');
    return sys;
  };
}
