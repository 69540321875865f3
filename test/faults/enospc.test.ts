/**
 * ENOSPC in the middle of a transaction (issue 11 §4): a `run` that fills the disk inside the
 * chroot, a package bigger than the free space that passes the up-front check, and a disk
 * already full when a transaction starts. Each time: one clear line naming the space (never
 * an "internal error"), nothing left, the next boot untouched, `list` and `status` working at
 * once, and the next transaction working at once — without waiting for btrfs's cleaner to
 * free the deleted snapshot by itself.
 */
import { statfsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/util/exec.js';
import { requireRootAndLoop } from '../support/requirements.js';
import type { CliResult, TestSystem } from '../support/system.js';
import { defaultNumber, snapshotNumbers } from '../integration/transaction/support.js';
import { INDEX, expectIndexAgrees, expectIndexRebuilt, expectNextTransactionWorks, expectNothingLeft } from './support/aftermath.js';
import { publishHugePackage } from './support/hugePackage.js';
import { shareTestSystem } from './support/sharedSystem.js';

const skip = requireRootAndLoop(['fallocate', 'dpkg-deb']);
const MiB = 1024 ** 2;

function freeBytes(path: string): number {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
}

/** One line from the tool, about space, and no internal error. */
function expectOneSpaceLine(result: CliResult, pattern: RegExp): void {
  const ours = result.stderr.split('\n').filter((l) => l.startsWith('transactional-update:'));
  expect(ours, result.stderr).toHaveLength(1);
  expect(ours[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/internal error/);
}

/** list and status answer at once, on the disk as it is right after the failure. */
async function expectListingsWork(sys: TestSystem): Promise<void> {
  for (const args of [['list'], ['status'], ['--json', 'list'], ['--json', 'status']]) {
    const result = await sys.tu(args);
    expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    expect(result.stderr).not.toMatch(/internal error/);
  }
}

/**
 * Start from the space as it really is: wait for snapshots deleted by an earlier test to be
 * freed (the test's own set-up, not the tool's).
 */
async function settle(sys: TestSystem): Promise<void> {
  await run('btrfs', ['subvolume', 'sync', sys.root]);
  await run('btrfs', ['filesystem', 'sync', sys.root]);
}

/** Fill the shared /srv (outside every snapshot) until about `leave` bytes are free. */
async function fillSrv(sys: TestSystem, leave: number): Promise<string> {
  await settle(sys);
  const file = join(sys.root, 'srv/tu-filler');
  const size = freeBytes(sys.root) - leave;
  if (size > 0) await run('fallocate', ['-l', String(size), file]);
  return file;
}

describe.skipIf(skip)('ENOSPC', () => {
  const system = shareTestSystem({ size: '1536M' });

  it('run fills the disk in the chroot', async () => {
    const sys = system();
    await settle(sys);
    const before = { snapshots: snapshotNumbers(sys.root), default: await defaultNumber(sys.root) };
    // fallocate takes most of it at once; dd writes the rest until ENOSPC.
    const bulk = Math.max(0, freeBytes(sys.root) - 64 * MiB);
    const full = await sys.tu(['run', 'sh', '-c', `fallocate -l ${bulk} /usr/tu-bulk && dd if=/dev/zero of=/usr/tu-fill bs=1M status=none`]);
    expect(full.exitCode).toBe(1); // dd's own exit code: run returns the command's
    expect(full.stderr).toMatch(/No space left on device/);
    expectOneSpaceLine(full, /run sh failed \(exit 1\): the file system of .* ran out of space .*; nothing was changed/);
    // The failed snapshot was deleted while the disk was full.
    await expectNothingLeft(sys, before);
    await expectListingsWork(sys);
    await expectNextTransactionWorks(sys);
    await expectIndexAgrees(sys);
  });

  it('package bigger than the free space', async () => {
    const sys = system();
    await settle(sys);
    await publishHugePackage(sys.repoDir, 'tu-huge', 800 * MiB);
    // About 600 MiB free: more than the up-front minimum (512 MiB), less than the package.
    const filler = await fillSrv(sys, 600 * MiB);
    try {
      const before = { snapshots: snapshotNumbers(sys.root), default: await defaultNumber(sys.root) };
      const install = await sys.tu(['pkg', 'install', 'tu-huge']);
      expect(install.exitCode).toBe(1);
      expect(install.stderr).not.toMatch(/not enough free space: /); // the up-front check passed
      expectOneSpaceLine(install, /failed \(exit \d+\): the file system of .* ran out of space .*; nothing was changed/);
      await expectNothingLeft(sys, before);
      await expectListingsWork(sys);
      await expectNextTransactionWorks(sys);
      await expectIndexAgrees(sys);
    } finally {
      await rm(filler, { force: true });
    }
  });

  it('disk full before the transaction starts', async () => {
    const sys = system();
    const filler = await fillSrv(sys, 16 * MiB);
    try {
      // The last few MiB too, as a user's data would.
      await run('dd', ['if=/dev/zero', `of=${filler}-rest`, 'bs=1M', 'status=none'], { reject: false });
      expect(freeBytes(sys.root)).toBeLessThan(4 * MiB);
      const before = { snapshots: snapshotNumbers(sys.root), default: await defaultNumber(sys.root) };
      const refused = await sys.tu(['run', 'true']);
      expect(refused.exitCode).toBe(1);
      expectOneSpaceLine(refused, /not enough free space: \d+ MiB of data space missing on the file system of /);
      await expectNothingLeft(sys, before);
      await expectListingsWork(sys);
      const show = await sys.tu(['show', String(before.default)]);
      expect(show.exitCode, show.stderr).toBe(0);
      // An index that cannot be written while the disk is full is built in memory for the run.
      for (const suffix of ['', '-wal', '-shm']) await rm(join(sys.root, '.snapshots', INDEX + suffix), { force: true });
      await expectIndexAgrees(sys);
    } finally {
      await rm(filler, { force: true });
      await rm(`${filler}-rest`, { force: true });
    }
    await expectNextTransactionWorks(sys);
    await expectIndexAgrees(sys);
    expectIndexRebuilt(sys);
  });
});
