/**
 * The tool's Debian package for the package tests: built from the built tree by the real
 * `scripts/package.mjs` into a test directory, optionally as another version (an update).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.js';
import { PROJECT_DIR } from '../../support/system.js';

export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { version: string }).version;

export async function architecture(): Promise<string> {
  return (await run('dpkg', ['--print-architecture'])).stdout.trim();
}

/** `npm run package -- --out <dir> [--version <version>]`; returns the .deb's path. */
export async function buildToolPackage(outDir: string, version?: string): Promise<string> {
  if (!existsSync(join(PROJECT_DIR, 'dist/cli/main.cjs'))) throw new Error("dist/ is missing: run 'npm run build' first");
  const args = ['scripts/package.mjs', '--out', outDir, ...(version ? ['--version', version] : [])];
  const result = await run(process.execPath, args, { cwd: PROJECT_DIR, reject: false });
  if (result.exitCode !== 0) throw new Error(`scripts/package.mjs failed:\n${result.stderr}`);
  const deb = join(outDir, `transactional-update_${version ?? PACKAGE_VERSION}_${await architecture()}.deb`);
  if (!existsSync(deb)) throw new Error(`scripts/package.mjs did not write ${deb}`);
  return deb;
}

/** `dpkg-deb --field <deb> <name>`. */
export async function controlField(deb: string, name: string): Promise<string> {
  return (await run('dpkg-deb', ['--field', deb, name])).stdout.trim();
}
