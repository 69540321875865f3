/**
 * The acting layer, for real: the command method runs a real program (never through a
 * shell), kured's sentinel is written into a temporary root.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { splitShellWords } from '../../../src/config/shellWord.js';
import { FULL_REBOOT_ENV, performReboot, touchKuredSentinel } from '../../../src/reboot/perform.js';
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

/**
 * The restarting mechanisms with a stand-in `systemctl` first on PATH: a tiny real program that
 * records its arguments and the variables a full reboot sets, and fails when asked to. The test
 * refuses to run unless `systemctl` resolves to the stand-in: the machine's own is never called.
 */
describe('performReboot with a stand-in systemctl', () => {
  const withStandIn = async (exitCode: number, action: (record: string) => Promise<void>) => {
    const dir = tempDir();
    const record = join(dir, 'record');
    writeFileSync(
      join(dir, 'systemctl'),
      `#!/bin/sh\nprintf '%s|%s|%s\\n' "$*" "\${SYSTEMCTL_SKIP_AUTO_SOFT_REBOOT:-}" "\${SYSTEMCTL_SKIP_AUTO_KEXEC:-}" >> '${record}'\nexit ${exitCode}\n`,
      { mode: 0o755 },
    );
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path ?? ''}`;
    try {
      const resolved = execFileSync('/bin/sh', ['-c', 'command -v systemctl'], { env: process.env, encoding: 'utf8' }).trim();
      if (resolved !== join(dir, 'systemctl')) throw new Error(`systemctl resolves to ${resolved}, not the stand-in: not running`);
      await action(record);
    } finally {
      process.env.PATH = path;
    }
  };

  it('a full reboot tells systemctl not to turn it into a soft-reboot or kexec', async () => {
    await withStandIn(0, async (record) => {
      await performReboot(choice('reboot'), { root: '/', snapshot: 5, level: 'reboot' });
      expect(readFileSync(record, 'utf8')).toBe('reboot|1|1\n');
      expect(FULL_REBOOT_ENV).toEqual({ SYSTEMCTL_SKIP_AUTO_SOFT_REBOOT: '1', SYSTEMCTL_SKIP_AUTO_KEXEC: '1' });
    });
  });

  it('a soft-reboot prepares the next root first, and undoes it when systemctl fails', async () => {
    const softReboot = (steps: string[]) =>
      performReboot(choice('soft-reboot'), {
        root: '/',
        snapshot: 5,
        level: 'soft-reboot',
        prepareSoftReboot: async () => {
          steps.push('prepare');
          return async () => void steps.push('undo');
        },
      });
    await withStandIn(0, async (record) => {
      const steps: string[] = [];
      await softReboot(steps);
      expect(steps).toEqual(['prepare']);
      expect(readFileSync(record, 'utf8')).toBe('soft-reboot||\n');
    });
    await withStandIn(1, async () => {
      const steps: string[] = [];
      await expect(softReboot(steps)).rejects.toThrow('systemctl failed (exit 1)');
      expect(steps).toEqual(['prepare', 'undo']);
    });
    await expect(performReboot(choice('soft-reboot'), { root: '/', snapshot: 5, level: 'soft-reboot' })).rejects.toThrow(
      'soft-reboot needs the new snapshot prepared as the next root',
    );
  });
});
