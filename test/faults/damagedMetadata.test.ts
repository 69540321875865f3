/**
 * Damaged metadata (issue 11 §4), one damage at a time: an empty info.xml (snapper bug #98),
 * a truncated one, a garbage manifest.json, a deleted index, an index overwritten with
 * garbage, a snapshot directory without its subvolume, a stale lock.pid naming a dead
 * process. Each time `list` and `status` keep working and name the damaged snapshot, the next
 * transaction works, and the index is rebuilt to agree with the manifests.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/util/exec.js';
import { requireRootAndLoop } from '../support/requirements.js';
import { CLI_PATH, cliEnvironment, type TestSystem } from '../support/system.js';
import { defaultNumber, snapshotDir, snapshotNumbers } from '../integration/transaction/support.js';
import { INDEX, expectIndexAgrees, expectIndexRebuilt, expectNextTransactionWorks, expectNoRawControls } from './support/aftermath.js';
import { shareTestSystem } from './support/sharedSystem.js';

const skip = requireRootAndLoop();

interface StatusJson {
  damaged: { number: number; damage: string[] }[];
}

/** `list` and `status`, as text and JSON, name snapshot n with this damage. */
async function expectNamed(sys: TestSystem, n: number, damage: string): Promise<void> {
  const list = await sys.tu(['list']);
  expect(list.exitCode, list.stderr).toBe(0);
  const line = list.stdout.split('\n').find((l) => new RegExp(`^${n}[-+* ] `).test(l));
  expect(line, list.stdout).toContain(`damaged: ${damage}`);
  const listJson = await sys.tu(['--json', 'list']);
  expect(listJson.exitCode, listJson.stderr).toBe(0);
  const row = (JSON.parse(listJson.stdout) as { number: number; damage: string[] }[]).find((r) => r.number === n);
  expect(row?.damage).toContain(damage);

  const status = await sys.tu(['status']);
  expect(status.exitCode, status.stderr).toBe(0);
  for (const output of [list.stdout, list.stderr, status.stdout, status.stderr]) expectNoRawControls(output, 'list/status');
  expect(status.stdout).toMatch(new RegExp(`^Damaged: .*\\b${n} \\([^)]*${damage.replace('.', '\\.')}`, 'm'));
  const statusJson = await sys.tu(['--json', 'status']);
  expect(statusJson.exitCode, statusJson.stderr).toBe(0);
  const damaged = (JSON.parse(statusJson.stdout) as StatusJson).damaged.find((d) => d.number === n);
  expect(damaged?.damage).toContain(damage);
}

/** list and status name nothing damaged. */
async function expectNoneNamed(sys: TestSystem): Promise<void> {
  const status = await sys.tu(['--json', 'status']);
  expect(status.exitCode, status.stderr).toBe(0);
  expect((JSON.parse(status.stdout) as StatusJson).damaged).toEqual([]);
}

/** The newest snapshot that is neither booted nor the next boot: one a user might damage unnoticed. */
async function olderSnapshot(sys: TestSystem): Promise<number> {
  const def = await defaultNumber(sys.root);
  const n = snapshotNumbers(sys.root).filter((x) => x !== 1 && x !== def).at(-1);
  if (n === undefined) throw new Error('no snapshot other than the booted one and the default');
  return n;
}

/** Damage a file for the length of fn, then put it back as it was. */
async function withDamagedFile(path: string, content: string | Buffer, fn: () => Promise<void>): Promise<void> {
  const original = readFileSync(path);
  writeFileSync(path, content);
  try {
    await fn();
  } finally {
    writeFileSync(path, original);
  }
}

describe.skipIf(skip)('damaged metadata', () => {
  const system = shareTestSystem({ size: '1536M' });
  beforeAll(async () => {
    // Two closed snapshots besides the booted one: 2 (older) and 3 (the next boot).
    await expectNextTransactionWorks(system());
    await expectNextTransactionWorks(system());
  });

  it('empty info.xml (snapper bug #98)', async () => {
    const sys = system();
    const n = (await defaultNumber(sys.root))!;
    await withDamagedFile(join(snapshotDir(sys.root, n), 'info.xml'), '', async () => {
      await expectNamed(sys, n, 'info.xml unreadable');
      await expectNextTransactionWorks(sys);
      await expectIndexAgrees(sys);
    });
    await expectNoneNamed(sys);
  });

  it('truncated info.xml', async () => {
    const sys = system();
    const n = await olderSnapshot(sys);
    const path = join(snapshotDir(sys.root, n), 'info.xml');
    await withDamagedFile(path, readFileSync(path).subarray(0, 60), async () => {
      await expectNamed(sys, n, 'info.xml unreadable');
      await expectNextTransactionWorks(sys);
      await expectIndexAgrees(sys);
    });
    await expectNoneNamed(sys);
  });

  it('garbage manifest.json', async () => {
    const sys = system();
    const n = await olderSnapshot(sys);
    await withDamagedFile(join(snapshotDir(sys.root, n), 'manifest.json'), 'garbage{\n\u001b[31m"red', async () => {
      await expectNamed(sys, n, 'manifest.json unreadable');
      const list = await sys.tu(['list']);
      expect(list.stdout.split('\n').find((l) => l.startsWith(`${n} `))).toContain('damaged: manifest.json unreadable');
      // show cannot show it: one line saying which file and what to do, the file's text never raw.
      const show = await sys.tu(['show', String(n)]);
      expect(show.exitCode).toBe(1);
      expect(show.stderr.trim().split('\n')).toHaveLength(1);
      expect(show.stderr).toMatch(/manifest\.json is not valid JSON \(delete it to have the manifest of snapshot \d+ computed again\)/);
      expectNoRawControls(show.stderr, 'show stderr');
      await expectNextTransactionWorks(sys);
      await expectIndexAgrees(sys);
    });
    await expectNoneNamed(sys);
    await expectIndexAgrees(sys);
  });

  it('deleted index', async () => {
    const sys = system();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(sys.root, '.snapshots', INDEX + suffix), { force: true });
    await expectIndexAgrees(sys);
    expectIndexRebuilt(sys);
    await expectNextTransactionWorks(sys);
    await expectIndexAgrees(sys);
    expectIndexRebuilt(sys);
  });

  it('index overwritten with garbage', async () => {
    const sys = system();
    for (const suffix of ['-wal', '-shm']) rmSync(join(sys.root, '.snapshots', INDEX + suffix), { force: true });
    // SQLite's own header first, so the file passes for a database until its pages are read.
    writeFileSync(join(sys.root, '.snapshots', INDEX), Buffer.concat([Buffer.from('SQLite format 3\0'), randomBytes(64 * 1024)]));
    const status = await sys.tu(['status']);
    expect(status.exitCode, status.stderr).toBe(0);
    await expectIndexAgrees(sys);
    expectIndexRebuilt(sys);
    await expectNextTransactionWorks(sys);
    await expectIndexAgrees(sys);
    expectIndexRebuilt(sys);
  });

  it('snapshot directory without its subvolume', async () => {
    const sys = system();
    const n = await olderSnapshot(sys);
    const root = join(snapshotDir(sys.root, n), 'snapshot');
    await run('btrfs', ['property', 'set', '-ts', root, 'ro', 'false']);
    await run('btrfs', ['-q', 'subvolume', 'delete', join(root, 'etc')]);
    await run('btrfs', ['-q', 'subvolume', 'delete', root]);
    await expectNamed(sys, n, 'snapshot subvolume missing');
    const diff = await sys.tu(['diff', '1', String(n)]);
    expect(diff.exitCode).toBe(1);
    expect(diff.stderr.trim().split('\n')).toHaveLength(1);
    await expectNextTransactionWorks(sys);
    await expectIndexAgrees(sys);
    // It is ours and incomplete: cleanup removes what is left of it.
    const cleanup = await sys.tu(['cleanup']);
    expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    expect(snapshotNumbers(sys.root)).not.toContain(n);
    await expectNoneNamed(sys);
    await expectIndexAgrees(sys);
  });

  it('stale lock.pid naming a dead process', async () => {
    const sys = system();
    const dead = (await execa('sh', ['-c', 'echo $$'])).stdout.trim();
    const pidFile = join(sys.root, 'var/lib/transactional-update/lock.pid');
    writeFileSync(pidFile, `${dead}\n`);
    await expectNextTransactionWorks(sys);
    expect(existsSync(pidFile)).toBe(false);

    // While a live transaction holds the lock, a stale lock.pid never names the dead process.
    const holder = execa(process.execPath, [CLI_PATH, '--root', sys.root, 'run', 'sleep', '60.5'], {
      env: cliEnvironment(), extendEnv: false, reject: false, stdin: 'ignore',
    });
    try {
      const deadline = Date.now() + 30_000;
      while (!(existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(holder.pid))) {
        if (Date.now() > deadline) throw new Error('the holder never took the lock');
        await new Promise((r) => setTimeout(r, 50));
      }
      writeFileSync(pidFile, `${dead}\n`);
      const refused = await sys.tu(['run', 'true']);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/another transaction is running/);
      expect(refused.stderr).not.toContain(`pid ${dead}`);
    } finally {
      holder.kill('SIGTERM');
      await holder;
    }
    await expectNextTransactionWorks(sys);
    await expectIndexAgrees(sys);
  });
});
