/** The run's shared temp base dir (made by global-setup.ts) and fresh dirs inside it. */
import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

export function testTmpBase(): string {
  const base = process.env.TU_TEST_TMP ?? join('/var/tmp', `tu-test-${process.pid}`);
  mkdirSync(base, { recursive: true });
  return base;
}

/** A new directory under the base dir; the caller removes it. */
export async function makeTestDir(prefix: string): Promise<string> {
  return mkdtemp(join(testTmpBase(), `${prefix}-`));
}
