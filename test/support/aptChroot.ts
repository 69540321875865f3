/**
 * A throwaway Debian root with apt (mmdebstrap --variant=apt, cached as a tarball between
 * runs) and a way to run commands chrooted in it, in private mount and PID namespaces that
 * die with the command. For tests of the fixture packages and of apt's behaviour.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { run, type RunResult } from '../../src/util/exec.js';

export const APT_ROOT_CACHE_DIR = '/var/cache/transactional-update/test-harness';

/** The PATH and locale a maintainer script sees in a transaction (docs/architecture.md, step 3). */
export const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function aptRootTarball(suite: string): string {
  return `${APT_ROOT_CACHE_DIR}/${suite}-apt.tar`;
}

/** Build the cached tarball once (about a minute, needs the Debian mirror). */
export async function ensureAptRootTarball(suite = 'bookworm'): Promise<string> {
  const tarball = aptRootTarball(suite);
  if (existsSync(tarball)) return tarball;
  mkdirSync(dirname(tarball), { recursive: true });
  const temp = `${tarball}.tmp-${process.pid}.tar`;
  try {
    await run('mmdebstrap', ['--quiet', '--variant=apt', suite, temp], { timeoutMs: 20 * 60_000 });
    await rename(temp, tarball);
  } finally {
    await rm(temp, { force: true });
  }
  return tarball;
}

/** Unpack a fresh root into dir (which must exist and be empty). */
export async function makeAptRoot(dir: string, suite = 'bookworm'): Promise<void> {
  const tarball = await ensureAptRootTarball(suite);
  await run('tar', ['-C', dir, '--numeric-owner', '-xf', tarball]);
}

export interface ChrootOptions {
  env?: Record<string, string>;
  input?: string;
}

/**
 * Run a command chrooted in root with a clean environment. The mount namespace is private
 * and has only its own /proc, so nothing is left mounted on the host whatever happens.
 */
export async function chrootRun(root: string, args: readonly string[], options: ChrootOptions = {}): Promise<RunResult> {
  const env = {
    PATH: CHROOT_PATH,
    LC_ALL: 'C.UTF-8',
    HOME: '/root',
    DEBIAN_FRONTEND: 'noninteractive',
    ...options.env,
  };
  return run(
    'unshare',
    [
      '--mount', '--pid', '--fork', '--kill-child', '--propagation', 'private',
      `--root=${root}`, '--mount-proc=/proc',
      '--', '/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args,
    ],
    { reject: false, input: options.input ?? '', cleanEnv: true, env: { PATH: process.env.PATH ?? CHROOT_PATH } },
  );
}

/** apt-get the way a non-interactive transaction runs it (docs/architecture.md, step 3). */
export function aptGetArgs(...args: string[]): string[] {
  return ['apt-get', '-y', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...args];
}
