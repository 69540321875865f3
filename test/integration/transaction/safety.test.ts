/**
 * Safety: one transaction at a time, kill -9 and SIGTERM in the middle, run's exit codes and
 * --drop-if-no-change.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../../support/requirements.js';
import { CLI_PATH, cliEnvironment, withTestSystem } from '../../support/system.js';
import { defaultNumber, exists, mountsBelow, snapshotDir, snapshotNumbers } from './support.js';

const skip = requireRootAndLoop();

/** Processes whose command line is exactly argv (to find the sleep we started). */
function processesRunning(argv: string[]): number[] {
  const wanted = argv.join('\0');
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0$/, '');
      if (cmdline === wanted) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startCli(root: string, args: string[]) {
  return execa(process.execPath, [CLI_PATH, '--root', root, ...args], { env: cliEnvironment(), extendEnv: false, reject: false, stdin: 'ignore' });
}

describe.skipIf(skip)('transaction safety on a managed image', () => {
  it('returns run exit codes, drops empty snapshots and keeps real ones', async () => {
    await withTestSystem(async (sys) => {
      const three = await sys.tu(['run', 'sh', '-c', 'exit 3']);
      expect(three.exitCode).toBe(3);
      expect(snapshotNumbers(sys.root)).toEqual([1]);

      const empty = await sys.tu(['-d', 'run', 'true']);
      expect(empty.exitCode, empty.stderr).toBe(0);
      expect(snapshotNumbers(sys.root)).toEqual([1]);
      expect(await defaultNumber(sys.root)).toBe(1);

      // Numbers are never reused: the two discarded ones were 2 and 3.
      const touched = await sys.tu(['-d', 'run', 'sh', '-c', 'echo x > /etc/tu-x']);
      expect(touched.exitCode, touched.stderr).toBe(0);
      expect(snapshotNumbers(sys.root)).toEqual([1, 4]);
      expect(readFileSync(join(snapshotDir(sys.root, 4), 'etc/tu-x'), 'utf8')).toBe('x\n');

      const inRoot = await sys.tu(['-d', 'run', 'sh', '-c', 'echo y > /usr/share/tu-y']);
      expect(inRoot.exitCode, inRoot.stderr).toBe(0);
      expect(snapshotNumbers(sys.root)).toEqual([1, 4, 5]);

      // --keep: a failed snapshot stays, read-only, not the default, marked failed.
      const kept = await sys.tu(['-k', 'run', 'sh', '-c', 'touch /usr/share/half; exit 4']);
      expect(kept.exitCode).toBe(4);
      expect(snapshotNumbers(sys.root)).toEqual([1, 4, 5, 6]);
      expect(await defaultNumber(sys.root)).toBe(5);
      expect(readFileSync(join(snapshotDir(sys.root, 6), 'info.xml'), 'utf8')).toMatch(/transactional-update-failed/);
    });
  });

  it('allows one transaction at a time and survives kill -9 and SIGTERM', async () => {
    await withTestSystem(async (sys) => {
      const sleeper = ['sleep', '61.25'];
      const first = startCli(sys.root, ['run', ...sleeper]);
      await waitFor(() => processesRunning(sleeper).length === 1);

      const started = Date.now();
      const second = await sys.tu(['run', 'true']);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toContain(`pid ${first.pid}`);

      // kill -9: everything in the chroot dies with the tool, its mounts vanish.
      process.kill(first.pid!, 'SIGKILL');
      await first;
      await waitFor(() => processesRunning(sleeper).length === 0, 5_000);
      await waitFor(async () => (await mountsBelow(join(sys.root, '.snapshots/2'))).length === 0, 5_000);
      expect(snapshotNumbers(sys.root)).toEqual([1, 2]);
      expect(await defaultNumber(sys.root)).toBe(1);
      // The next transaction takes the lock at once and removes the leftover.
      const after = await sys.tu(['run', 'sh', '-c', 'echo z > /etc/tu-z']);
      expect(after.exitCode, after.stderr).toBe(0);
      expect(snapshotNumbers(sys.root)).toEqual([1, 3]);

      // SIGTERM: the tool stops the command and cleans up by itself.
      const third = startCli(sys.root, ['run', ...sleeper]);
      await waitFor(() => processesRunning(sleeper).length === 1);
      process.kill(third.pid!, 'SIGTERM');
      const result = await third;
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/SIGTERM/);
      expect(processesRunning(sleeper)).toEqual([]);
      expect(snapshotNumbers(sys.root)).toEqual([1, 3]);
      expect(await defaultNumber(sys.root)).toBe(3);
      expect(exists(join(sys.root, '.snapshots/4'))).toBe(false);

      // cleanup removes a leftover too.
      const fourth = startCli(sys.root, ['run', ...sleeper]);
      await waitFor(() => processesRunning(sleeper).length === 1);
      process.kill(fourth.pid!, 'SIGKILL');
      await fourth;
      await waitFor(() => processesRunning(sleeper).length === 0, 5_000);
      expect(snapshotNumbers(sys.root)).toEqual([1, 3, 5]);
      const cleanup = await sys.tu(['cleanup']);
      expect(cleanup.exitCode, cleanup.stderr).toBe(0);
      expect(snapshotNumbers(sys.root)).toEqual([1, 3]);
      expect(await defaultNumber(sys.root)).toBe(3);
    });
  });
});
