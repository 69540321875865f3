/**
 * The acting layer, for real: the command method runs a real program (never through a
 * shell), kured's sentinel is written into a temporary root.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { splitShellWords } from '../../../src/config/shellWord.js';
import { performReboot, touchKuredSentinel } from '../../../src/reboot/perform.js';
import type { MethodChoice } from '../../../src/reboot/methods.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tu-perform-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const choice = (mechanism: MethodChoice['mechanism']): MethodChoice => ({
  method: mechanism === 'reboot' ? 'systemd' : (mechanism as MethodChoice['method']),
  mechanism,
  reason: 'test',
});

describe('performReboot', () => {
  it('command: runs REBOOT_COMMAND with TU_SNAPSHOT and TU_REBOOT_LEVEL set', async () => {
    const dir = tempDir();
    const out = join(dir, 'reboot-was-called');
    const argv = splitShellWords(`/bin/sh -c 'printf "%s %s %s" "$TU_SNAPSHOT" "$TU_REBOOT_LEVEL" "$1" > "$0"' ${out} 'second arg'`);
    await performReboot(choice('command'), { root: dir, snapshot: 12, level: 'kexec', rebootCommand: argv });
    expect(readFileSync(out, 'utf8')).toBe('12 kexec second arg');
  });

  it('command: arguments reach the program verbatim, no shell in between', async () => {
    const dir = tempDir();
    // Single-quoted, `$(id)` is a literal file name; a shell would have run id.
    await performReboot(choice('command'), { root: dir, snapshot: 3, level: 'reboot', rebootCommand: splitShellWords(`/usr/bin/touch '${dir}/$(id) x'`) });
    expect(readdirSync(dir)).toEqual(['$(id) x']);
  });

  it('command: a failing command is an error naming it', async () => {
    await expect(
      performReboot(choice('command'), { root: '/', snapshot: 3, level: 'reboot', rebootCommand: ['/bin/false', 'arg'] }),
    ).rejects.toThrow('REBOOT_COMMAND failed (exit 1): /bin/false arg');
    await expect(performReboot(choice('command'), { root: '/', snapshot: 3, level: 'reboot' })).rejects.toThrow('REBOOT_METHOD=command needs REBOOT_COMMAND');
  });

  it('kured: creates var/run/reboot-required in the root, and touches it again', async () => {
    const root = tempDir();
    await performReboot(choice('kured'), { root, snapshot: 4, level: 'reboot' });
    const sentinel = join(root, 'var/run/reboot-required');
    expect(existsSync(sentinel)).toBe(true);
    const first = statSync(sentinel).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(touchKuredSentinel(root)).toBe(sentinel);
    expect(statSync(sentinel).mtimeMs).toBeGreaterThan(first);
  });

  it('refuses to restart anything but the running system', async () => {
    const root = tempDir();
    for (const m of ['reboot', 'soft-reboot', 'kexec', 'rebootmgr'] as const) {
      await expect(performReboot(choice(m), { root, snapshot: 4, level: 'reboot' })).rejects.toThrow(`cannot ${m} the system at ${root}`);
    }
  });

  it('none does nothing', async () => {
    const root = tempDir();
    await performReboot(choice('none'), { root, snapshot: 4, level: 'reboot' });
    expect(readdirSync(root)).toEqual([]);
  });
});
