/**
 * Moving the next boot: status reads a step forward as one, rollback and abort say what they
 * did, and the one deletion routine refuses the default, booted and known-good snapshots by
 * checking — before it touches the snapshot's /etc (the defect of issue 11).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotProtected } from '../../../src/errors.js';
import { protectedSnapshots } from '../../../src/snapshots/protected.js';
import { openSystem } from '../../../src/snapshots/system.js';
import { requireRootAndLoop } from '../../support/requirements.js';
import { withTestSystem } from '../../support/system.js';
import { defaultNumber, isReadOnly, snapshotDir } from './support.js';

const skip = requireRootAndLoop();

describe.skipIf(skip)('the next boot', () => {
  it('reads forward in status, back in rollback; deletion refuses the default by checking', async () => {
    await withTestSystem(async (sys) => {
      const made = await sys.tu(['run', 'sh', '-c', 'echo new > /etc/tu-forward']);
      expect(made.exitCode, made.stderr).toBe(0);
      expect(await defaultNumber(sys.root)).toBe(2);

      const status = await sys.tu(['status']);
      expect(status.exitCode, status.stderr).toBe(0);
      expect(status.stdout).toContain('Going forward from snapshot 1 to snapshot 2:');
      // The test system's apt sources, edited on the running system, come along (carried in).
      expect(status.stdout).toMatch(/\n {2}files: \d+ added, \d+ removed, \d+ changed\n/);
      expect(status.stdout).toContain('+++ b/etc/tu-forward');
      expect(status.stdout).not.toMatch(/Going back|brought back/);
      const json = JSON.parse((await sys.tu(['status', '--json'])).stdout) as Record<string, unknown>;
      expect(json).toMatchObject({ booted: 1, default: 2, pending: [2], rebootPending: true, boot: { managedBootLoader: false, btrfsDefault: 2 } });

      // The defect: deleting the default used to make it writable and delete its /etc before
      // btrfs refused. Now nothing is touched.
      const system = await openSystem(sys.root);
      await expect(system.store.delete(2, await protectedSnapshots(system))).rejects.toThrow(SnapshotProtected);
      await expect(system.store.delete(1, await protectedSnapshots(system))).rejects.toThrow('snapshot 1 is booted; it is not deleted');
      expect(existsSync(join(snapshotDir(sys.root, 2), 'snapshot/etc/tu-forward'))).toBe(true);
      expect(await isReadOnly(join(snapshotDir(sys.root, 2), 'snapshot'))).toBe(true);

      const back = await sys.tu(['rollback', '1', '--yes']);
      expect(back.exitCode, back.stderr).toBe(0);
      expect(back.stdout).toContain('Going back from snapshot 2 to snapshot 1:');
      expect(back.stderr).toContain('Rolled back: snapshot 1 is the next boot.');
      expect(await defaultNumber(sys.root)).toBe(1);

      const abort = await sys.tu(['abort', '2', '--json']);
      expect(abort.exitCode, abort.stderr).toBe(0);
      expect(JSON.parse(abort.stdout)).toEqual({ discarded: 2, nextBoot: null, warnings: [] });
      expect(existsSync(snapshotDir(sys.root, 2))).toBe(false);

      const nothing = await sys.tu(['abort']);
      expect(nothing.exitCode).toBe(1);
      expect(nothing.stderr.trim()).toBe('transactional-update: there is no pending snapshot to abort');
    });
  });
});
