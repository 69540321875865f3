/** The daily update (`up`) refuses to rebuild a package set that failed its health check. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordBadPackageSet } from '../../../src/boot/state.js';
import { readInstalledPackages } from '../../../src/pkg/installed.js';
import { requireRootAndLoop } from '../../support/requirements.js';
import { withTestSystem } from '../../support/system.js';
import { defaultNumber, snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop();

describe.skipIf(skip)('bad package sets', () => {
  it('up refuses to rebuild a recorded bad set; once the repository moves on it proceeds', async () => {
    await withTestSystem(async (sys) => {
      const first = await sys.tu(['-n', 'pkg', 'install', 'tu-hello']);
      expect(first.exitCode, first.stderr).toBe(0);
      const bad = snapshotNumbers(sys.root).at(-1)!;
      // As the health check would after this snapshot failed: its package set is recorded.
      const packages = await readInstalledPackages(join(snapshotDir(sys.root, bad), 'snapshot'));
      recordBadPackageSet(join(sys.root, 'var/lib/transactional-update'), { snapshot: bad, at: new Date().toISOString(), reason: 'test', packages });
      // Back to the booted snapshot; `-c up` would rebuild exactly that set.
      expect((await sys.tu(['rollback', '1', '--yes'])).exitCode).toBe(0);
      expect((await sys.tu(['-n', 'pkg', 'install', 'tu-hello'])).exitCode).toBe(0);
      const rebuilt = snapshotNumbers(sys.root).at(-1)!;
      const refused = await sys.tu(['-n', '-c', String(rebuilt), 'up']);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/failed its health check/);
      expect(snapshotNumbers(sys.root).at(-1)).toBe(rebuilt);
      expect(await defaultNumber(sys.root)).toBe(rebuilt);

      await sys.publish({ name: 'tu-hello', version: '2.0' });
      const moved = await sys.tu(['-n', '-c', String(rebuilt), 'up']);
      expect(moved.exitCode, moved.stderr).toBe(0);
      expect(snapshotNumbers(sys.root).at(-1)).toBeGreaterThan(rebuilt);
    });
  });
});
