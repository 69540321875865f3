/**
 * The system the step faults are tried on: a bootable image (`image create --bootable`), so
 * both next-boot pointers exist — GRUB's and the Btrfs default — mounted as a booted system
 * sees itself. One per test file: every fault is followed by the repairing run, so the next
 * fault starts from a sound system.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI_PATH, cliEnvironment, cliOk } from '../../support/system.js';
import { mountsInside } from '../../support/systemState.js';
import { makeTestDir } from '../../support/tmp.js';

export interface StepSystem {
  root: string;
  image: string;
  /** The CLI against this system; never throws on an exit code or a signal. */
  tu(args: readonly string[], env?: Record<string, string>): Promise<RunResult>;
  close(): Promise<void>;
}

export interface RunResult {
  pid: number;
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

export async function openStepSystem(): Promise<StepSystem> {
  const dir = await makeTestDir('faults');
  const image = join(dir, 'disk.img');
  const root = join(dir, 'root');
  await cliOk(['image', 'create', image, '--size', '3G', '--bootable']);
  await cliOk(['image', 'mount', image, root]);
  return {
    root,
    image,
    async tu(args, env = {}) {
      const child = execa(process.execPath, [CLI_PATH, '--root', root, ...args], {
        env: cliEnvironment(env),
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        timeout: 5 * 60_000,
      });
      const pid = child.pid!;
      const result = await child;
      return {
        pid,
        exitCode: result.exitCode,
        signal: result.signal ?? undefined,
        stdout: String(result.stdout),
        stderr: String(result.stderr),
      };
    },
    async close() {
      // A failed test may leave what a fault left: the tool's own repair takes it away first.
      await cliOk(['--root', root, 'cleanup']).catch((error: unknown) => process.stderr.write(`cleanup before unmount: ${String(error)}\n`));
      await cliOk(['image', 'umount', root]);
      if ((await mountsInside(dir)).length === 0) await rm(dir, { recursive: true, force: true });
    },
  };
}
