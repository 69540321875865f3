/**
 * The real CLI (the built dist/cli/main.cjs, as users run it) with its fleet commands, run as
 * separate node processes.
 */
import { existsSync } from 'node:fs';
import type { ResultPromise } from 'execa';
import { run, spawn, type RunResult } from '../../../../src/util/exec.js';
import { CLI_PATH } from '../../../support/system.js';

/** The fleet tests run the built CLI: fail with the reason when it is missing. */
export async function buildFleetCli(): Promise<void> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run 'npm run build' first`);
}

export function fleetArgs(args: string[]): string[] {
  return [CLI_PATH, ...args];
}

/** Run the CLI to completion; never throws on a non-zero exit. */
export function runFleet(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, fleetArgs(args), { reject: false, env });
}

/** Start the CLI and hand back the live process. */
export function startFleet(args: string[], env: Record<string, string> = {}): ResultPromise {
  return spawn(process.execPath, fleetArgs(args), { env, reject: false });
}
