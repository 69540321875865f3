/**
 * The real fleet CLI, compiled once per run from src/ into .tmp/fleet-dist with a
 * throw-away tsconfig that follows only the CLI's imports (other people's half-done files
 * elsewhere in src/ cannot break it), and run as separate node processes.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResultPromise } from 'execa';
import { run, spawn, type RunResult } from '../../../../src/util/exec.js';

const REPO = resolve(import.meta.dirname, '../../../..');
const OUT = join(REPO, '.tmp', 'fleet-dist');
export const FLEET_MAIN = join(OUT, 'cli', 'fleetMain.js');

let built: Promise<void> | undefined;

/** The sources the CLI is compiled from; the build is skipped when none is newer than it. */
const SOURCES = ['src/cli/fleetMain.ts', 'src/cli/commands/fleet.ts', 'src/reboot/fleet', 'src/config', 'src/util', 'src/errors.ts'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isFresh(): boolean {
  try {
    return statSync(FLEET_MAIN).mtimeMs > Math.max(...SOURCES.map((s) => newestMtime(join(REPO, s))));
  } catch {
    return false;
  }
}

export function buildFleetCli(): Promise<void> {
  built ??= (async () => {
    if (isFresh()) return;
    mkdirSync(join(REPO, '.tmp'), { recursive: true });
    const tsconfig = join(REPO, '.tmp', 'tsconfig.fleet.json');
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: '../tsconfig.json',
        compilerOptions: { rootDir: '../src', outDir: './fleet-dist', noEmit: false, sourceMap: false },
        include: [],
        files: ['../src/cli/fleetMain.ts'],
      }),
    );
    await run('npx', ['tsc', '-p', tsconfig], { cwd: REPO });
  })();
  return built;
}

export function fleetArgs(args: string[]): string[] {
  return [FLEET_MAIN, ...args];
}

/** Run the CLI to completion; never throws on a non-zero exit. */
export function runFleet(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, fleetArgs(args), { reject: false, env });
}

/** Start the CLI and hand back the live process. */
export function startFleet(args: string[], env: Record<string, string> = {}): ResultPromise {
  return spawn(process.execPath, fleetArgs(args), { env, reject: false });
}
