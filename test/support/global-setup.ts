/**
 * Run-wide set-up: a shared temp base dir for tests (TU_TEST_TMP, with the run's .deb
 * cache in TU_TEST_TMP/debs), and a leak check. The loop devices and mounts that exist
 * before the run are recorded; at the end, new ones a test left behind fail the run.
 * Nothing is cleaned up on anyone's behalf: what is left is printed and kept for a look.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLeftovers, isInside, leftoversMessage } from './leftovers.js';
import { readSystemState } from './systemState.js';

export const TEST_TMP_ENV = 'TU_TEST_TMP';

export default async function setup(): Promise<() => Promise<void>> {
  const baseDir = process.env[TEST_TMP_ENV] ?? join('/var/tmp', `tu-test-${process.pid}`);
  const ownsBaseDir = process.env[TEST_TMP_ENV] === undefined;
  mkdirSync(join(baseDir, 'debs'), { recursive: true, mode: 0o755 });
  process.env[TEST_TMP_ENV] = baseDir;
  const before = await readSystemState();

  return async function teardown(): Promise<void> {
    const after = await readSystemState();
    const { failures, warnings } = findLeftovers(before, after, {
      baseDir,
      tempDirs: [tmpdir(), '/var/tmp'],
      ci: process.env.CI === 'true',
    });
    for (const warning of warnings) {
      process.stderr.write(`note: new since the run started, maybe another run's: ${warning}\n`);
    }
    const stillUsed =
      after.mounts.some((m) => isInside(m.target, baseDir)) ||
      after.loops.some((l) => isInside(l.backFile.replace(/ \(deleted\)$/, ''), baseDir));
    if (ownsBaseDir && !stillUsed) rmSync(baseDir, { recursive: true, force: true });
    else if (stillUsed) process.stderr.write(`kept ${baseDir}: something in it is still mounted or attached\n`);
    if (failures.length > 0) {
      const message = leftoversMessage(failures);
      process.stderr.write(`${message}\n`);
      throw new Error(message);
    }
  };
}
