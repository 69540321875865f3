/**
 * The README's example, as a new user runs it: a fresh image from `image create`, then
 * `pkg install hello` from the distribution's own mirror, which the image's sources name and
 * whose Release is signed by the Debian archive key. Needs the network (the Debian mirror),
 * which CI has.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../../support/requirements.js';
import { createTestImage, mountImage, tu, umountImage } from '../../support/system.js';
import { makeTestDir } from '../../support/tmp.js';
import { defaultNumber, dpkgInstalled, snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop(['snapper']);

interface ShowJson {
  packages: Array<{ name: string; from: string | null; to: string | null; change: string }>;
}

describe.skipIf(skip)("the README's example", () => {
  it('installs hello from the Debian mirror into a new snapshot of a fresh image, and its manifest lists it', async () => {
    const dir = await makeTestDir('readme');
    const image = await createTestImage({ file: join(dir, 'tu.img'), size: '4G' });
    const root = join(dir, 'tu');
    await mountImage(image, root);
    try {
      // The image's own sources: the distribution's mirror, no repository of ours.
      const sources = readdirSync(join(root, 'etc/apt/sources.list.d'))
        .map((name) => readFileSync(join(root, 'etc/apt/sources.list.d', name), 'utf8'))
        .concat(readdirSync(join(root, 'etc/apt')).includes('sources.list') ? [readFileSync(join(root, 'etc/apt/sources.list'), 'utf8')] : [])
        .join('\n');
      expect(sources).toMatch(/deb\.debian\.org/);
      expect(sources).not.toMatch(/trusted/);

      const install = await tu(['pkg', 'install', 'hello'], { root });
      expect(install.exitCode, `${install.stdout}\n${install.stderr}`).toBe(0);
      expect(install.stderr).not.toMatch(/^(W|E): /m);

      const next = snapshotNumbers(root).at(-1)!;
      expect(next).toBeGreaterThan(1);
      expect(await defaultNumber(root)).toBe(next);
      const version = dpkgInstalled(join(snapshotDir(root, next), 'snapshot')).get('hello');
      expect(version).toMatch(/^\d/);
      expect(dpkgInstalled(root).has('hello')).toBe(false);

      const show = await tu(['show', String(next), '--json'], { root });
      expect(show.exitCode, show.stderr).toBe(0);
      expect((JSON.parse(show.stdout) as ShowJson).packages).toContainEqual(
        expect.objectContaining({ name: 'hello', from: null, to: version, change: 'installed' }),
      );
      const list = await tu(['list'], { root });
      expect(list.exitCode, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/pkg install hello/);
    } finally {
      await umountImage(root);
    }
    await rm(dir, { recursive: true, force: true });
  });
});
