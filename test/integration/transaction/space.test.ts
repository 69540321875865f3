/** Free space is checked before anything starts; a big package installs when there is room. */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../../support/requirements.js';
import { withTestSystem } from '../../support/system.js';
import { defaultNumber, dpkgInstalled, snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop(['fallocate']);

describe.skipIf(skip)('free space', () => {
  it('installs a 50 MB package, then refuses to start when space runs out, saying how much is missing', async () => {
    await withTestSystem(async (sys) => {
      const big = await sys.tu(['pkg', 'install', 'tu-big']);
      expect(big.exitCode, big.stderr).toBe(0);
      const number = snapshotNumbers(sys.root).at(-1)!;
      expect(dpkgInstalled(join(snapshotDir(sys.root, number), 'snapshot')).has('tu-big')).toBe(true);

      // Fill the shared /srv until less than the minimum is left.
      const { stdout } = await execa('btrfs', ['filesystem', 'usage', '-b', sys.root]);
      const free = Number(/Free \(estimated\):\s+(\d+)/.exec(stdout)![1]);
      await execa('fallocate', ['-l', String(Math.max(0, free - 200 * 1024 ** 2)), join(sys.root, 'srv/filler')]);
      const refused = await sys.tu(['run', 'true']);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/not enough free space: \d+ MiB of data space/);
      expect(snapshotNumbers(sys.root)).toEqual([1, number]);
      expect(await defaultNumber(sys.root)).toBe(number);
    }, { packages: [{ name: 'tu-big', version: '1.0' }] });
  });
});
