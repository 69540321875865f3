/**
 * GRUB environment blocks (1024-byte files GRUB reads with load_env and, on FAT, writes with
 * save_env), read and written from userspace with grub-editenv.
 */
import { existsSync } from 'node:fs';
import { run } from '../../util/exec.js';

export function parseGrubEnvList(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return vars;
}

export async function readGrubEnv(file: string): Promise<Record<string, string>> {
  if (!existsSync(file)) return {};
  const { stdout } = await run('grub-editenv', [file, 'list']);
  return parseGrubEnvList(stdout);
}

/** Set variables, creating the block first when it is missing. */
export async function setGrubEnv(file: string, vars: Record<string, string | number>): Promise<void> {
  if (!existsSync(file)) await run('grub-editenv', [file, 'create']);
  const pairs = Object.entries(vars).map(([k, v]) => `${k}=${v}`);
  if (pairs.length) await run('grub-editenv', [file, 'set', ...pairs]);
}

export async function unsetGrubEnv(file: string, names: string[]): Promise<void> {
  if (!existsSync(file) || names.length === 0) return;
  await run('grub-editenv', [file, 'unset', ...names]);
}
