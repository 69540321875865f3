/**
 * One boot under QEMU with OVMF: UEFI, the disk image on virtio, the serial console into a log
 * file, no network, no reboot (a reboot ends QEMU, so every boot is one run), a hard timeout.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { run } from '../../../src/util/exec.js';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export interface BootRun {
  log: string;
  exitCode: number;
  timedOut: boolean;
}

/**
 * TU_BOOT_ACCEL=kvm where KVM works. A /dev/kvm is no proof: on these machines (nested) it fails
 * with "failed to set MSR" (-cpu host) or an emulation failure in OVMF, so TCG is the default.
 */
export function kvmUsable(): boolean {
  return process.env.TU_BOOT_ACCEL === 'kvm' && existsSync('/dev/kvm');
}

export async function bootOnce(options: { disk: string; vars: string; logFile: string; timeoutMs: number }): Promise<BootRun> {
  if (!existsSync(options.vars)) copyFileSync(OVMF_VARS, options.vars);
  const accel = kvmUsable() ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi'];
  const result = await run(
    'qemu-system-x86_64',
    [
      ...accel, '-m', '1536', '-machine', 'q35', '-smp', '2',
      '-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`,
      '-drive', `if=pflash,format=raw,file=${options.vars}`,
      '-drive', `file=${options.disk},format=raw,if=virtio`,
      '-nic', 'none', '-display', 'none', '-serial', `file:${options.logFile}`, '-no-reboot',
    ],
    { reject: false, timeoutMs: options.timeoutMs },
  );
  const log = existsSync(options.logFile) ? readFileSync(options.logFile, 'latin1') : '';
  return { log, exitCode: result.exitCode, timedOut: result.signal !== undefined };
}

/** The probe's report, or undefined when the guest did not get that far. */
export function probeReport(log: string): { cmdline: string; root: string; health: string; etc: string; late: string } | undefined {
  if (!log.includes('TU-PROBE-DONE')) return undefined;
  const field = (name: string) => new RegExp(`TU-PROBE ${name}: (.*)`).exec(log)?.[1]?.trim() ?? '';
  return { cmdline: field('cmdline'), root: field('root'), health: field('health'), etc: field('etc'), late: field('late') };
}

/** The kernel command line the guest booted with, from the kernel's own log line. */
export function bootedCmdline(log: string): string | undefined {
  return /Kernel command line: (.*)/.exec(log)?.[1]?.trim();
}
