/** Gathering the facts the reboot decision needs, from the running system. */
import { existsSync } from 'node:fs';
import { commandExists, run } from '../util/exec.js';
import type { RebootFacts } from './methods.js';

/** "systemd 252 (252.38-1~deb12u1)\n+PAM …" → 252. */
export function parseSystemdVersion(text: string): number | undefined {
  const match = /^systemd (\d+)\b/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

export async function gatherRebootFacts(): Promise<Omit<RebootFacts, 'level'>> {
  return {
    systemdVersion: await systemdVersion(),
    kexecAvailable: (await commandExists('kexec')) && existsSync('/sys/kernel/kexec_loaded'),
    rebootmgrActive: await rebootmgrActive(),
    // Set by the caller that can mount the new snapshot at /run/nextroot (runReboot does).
    nextRootPreparable: false,
  };
}

/** The version of systemd when it runs as PID 1 (sd_booted: /run/systemd/system exists). */
async function systemdVersion(): Promise<number | undefined> {
  if (!existsSync('/run/systemd/system')) return undefined;
  const { stdout, exitCode } = await run('systemctl', ['--version'], { reject: false });
  return exitCode === 0 ? parseSystemdVersion(stdout) : undefined;
}

async function rebootmgrActive(): Promise<boolean> {
  if (!(await commandExists('rebootmgrctl'))) return false;
  const { exitCode } = await run('rebootmgrctl', ['is-active', '--quiet'], { reject: false });
  return exitCode === 0;
}
