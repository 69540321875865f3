/**
 * What integration tests need from the machine. In CI (CI=true) a missing requirement
 * fails the test file, naming what is missing: a skipped integration test is a failed one.
 * Elsewhere it returns a skip reason for `describe.skipIf(reason)` and says why on stderr.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const ROOT_AND_LOOP_COMMANDS = ['mkfs.btrfs', 'mmdebstrap', 'unshare', 'tini'] as const;

/** sbin directories are searched too: a CI environment's PATH may lack them. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export interface Needs {
  root?: boolean;
  loop?: boolean;
  btrfs?: boolean;
  commands?: readonly string[];
}

export interface MachineFacts {
  uid: number;
  hasLoopControl: boolean;
  filesystems: readonly string[];
  commands: ReadonlySet<string>;
}

/** Names of what is missing, in the order of the needs. */
export function findMissing(needs: Needs, facts: MachineFacts): string[] {
  const missing: string[] = [];
  if (needs.root && facts.uid !== 0) missing.push('root');
  if (needs.loop && !facts.hasLoopControl) missing.push('/dev/loop-control');
  if (needs.btrfs && !facts.filesystems.includes('btrfs')) missing.push('btrfs in /proc/filesystems');
  for (const command of needs.commands ?? []) if (!facts.commands.has(command)) missing.push(command);
  return missing;
}

export function skipReason(missing: readonly string[]): string {
  return `needs ${missing.join(', ')}`;
}

export function ciFailureMessage(missing: readonly string[]): string {
  return `CI=true and this integration test cannot run: missing ${missing.join(', ')}`;
}

/**
 * undefined when everything is there; otherwise throws under CI, or returns the skip
 * reason outside it.
 */
export function decide(missing: readonly string[], ci: boolean): string | undefined {
  if (missing.length === 0) return undefined;
  if (ci) throw new Error(ciFailureMessage(missing));
  return skipReason(missing);
}

export function gatherFacts(commands: readonly string[]): MachineFacts {
  return {
    uid: process.getuid?.() ?? -1,
    hasLoopControl: existsSync('/dev/loop-control'),
    filesystems: readProcFilesystems(),
    commands: new Set(commands.filter(isOnPath)),
  };
}

function readProcFilesystems(): string[] {
  try {
    return readFileSync('/proc/filesystems', 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/).pop() ?? '')
      .filter(Boolean);
  } catch {
    return [];
  }
}

export function isOnPath(command: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function isCi(): boolean {
  return process.env.CI === 'true';
}

/** Check arbitrary needs; see the module comment for what happens when some are missing. */
export function requireMachine(needs: Needs, label = 'integration test'): string | undefined {
  const reason = decide(findMissing(needs, gatherFacts(needs.commands ?? [])), isCi());
  if (reason) process.stderr.write(`skipping ${label} (not in CI): ${reason}\n`);
  return reason;
}

/**
 * Root, loop devices, Btrfs and the tools a test system is made with (mkfs.btrfs,
 * mmdebstrap, unshare, tini), plus any extra commands.
 */
export function requireRootAndLoop(extraCommands: readonly string[] = []): string | undefined {
  return requireMachine({
    root: true,
    loop: true,
    btrfs: true,
    commands: [...ROOT_AND_LOOP_COMMANDS, ...extraCommands],
  });
}
