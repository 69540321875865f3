/**
 * The acting layer: carry out a chosen reboot mechanism. Decisions are made before (methods.ts,
 * decide.ts); this only runs the commands. Subprocesses through util/exec.ts, never a shell.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TuError } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { describeCommand, run } from '../util/exec.js';
import { log } from '../util/log.js';
import { chooseKernel, kexecCommandLine } from './kexec.js';
import type { RebootLevel } from './level.js';
import type { MethodChoice, RebootMechanism } from './methods.js';

export interface PerformContext {
  /** The managed system's root ('/' unless --root). */
  root: string;
  /** The snapshot that boots next, when one is pending. */
  snapshot: number | undefined;
  level: RebootLevel;
  /** REBOOT_COMMAND as an argument vector (method command). */
  rebootCommand?: string[] | undefined;
  /** Top-level path of the snapshot directory, e.g. "@/.snapshots" (kexec). */
  snapshotsFsPath?: string;
  /**
   * Soft-reboot: put the new snapshot where systemd switches to (/run/nextroot). Supplied by
   * the boot code, which owns mounts; without it a soft-reboot is refused. Returns the undo,
   * run when `systemctl soft-reboot` itself fails.
   */
  prepareSoftReboot?: () => Promise<(() => Promise<void>) | void>;
}

/** Mechanisms that restart this machine and so cannot act on a system at --root. */
const RESTARTS_HOST = new Set<RebootMechanism>(['reboot', 'soft-reboot', 'kexec', 'rebootmgr']);

export const KURED_SENTINEL = 'var/run/reboot-required';

/**
 * A full reboot is a full reboot: since systemd 254 `systemctl reboot` soft-reboots by itself
 * when /run/nextroot is a mount point, and kexecs when a kernel is loaded. Through the firmware
 * and GRUB is the point of a full reboot (boot counting, a new kernel, the health check's way
 * back to the known-good snapshot).
 */
export const FULL_REBOOT_ENV = { SYSTEMCTL_SKIP_AUTO_SOFT_REBOOT: '1', SYSTEMCTL_SKIP_AUTO_KEXEC: '1' } as const;

export async function performReboot(choice: MethodChoice, ctx: PerformContext): Promise<void> {
  if (RESTARTS_HOST.has(choice.mechanism) && resolve(ctx.root) !== '/') {
    throw new TuError(`cannot ${choice.mechanism} the system at ${escapeControl(ctx.root)}: it is not the running system`, {
      hint: 'with --root only REBOOT_METHOD kured, notify, command and none apply',
    });
  }
  log.step(`reboot: ${choice.mechanism} (${choice.reason})`);
  switch (choice.mechanism) {
    case 'reboot':
      await run('systemctl', ['reboot'], { env: FULL_REBOOT_ENV });
      return;
    case 'soft-reboot': {
      if (!ctx.prepareSoftReboot) throw new TuError('soft-reboot needs the new snapshot prepared as the next root, which is not available here');
      const undo = await ctx.prepareSoftReboot();
      try {
        await run('systemctl', ['soft-reboot']);
      } catch (error) {
        if (undo) await undo().catch(() => undefined);
        throw error;
      }
      return;
    }
    case 'kexec':
      await loadKexec(ctx);
      await run('systemctl', ['kexec']);
      return;
    case 'kured':
      touchKuredSentinel(ctx.root);
      return;
    case 'rebootmgr':
      await run('rebootmgrctl', ['reboot']);
      return;
    case 'notify':
      await notify(rebootMessage(ctx));
      return;
    case 'command':
      await runRebootCommand(ctx);
      return;
    case 'none':
      return;
  }
}

export function rebootMessage(ctx: Pick<PerformContext, 'snapshot' | 'level'>): string {
  return ctx.snapshot === undefined
    ? 'transactional-update: a reboot is requested'
    : `transactional-update: snapshot ${ctx.snapshot} is ready and needs a ${ctx.level}; reboot to start it ('transactional-update reboot')`;
}

/** kured watches for this file (its --reboot-sentinel default). */
export function touchKuredSentinel(root: string): string {
  const path = join(root, KURED_SENTINEL);
  mkdirSync(dirname(path), { recursive: true });
  closeSync(openSync(path, 'a'));
  const now = new Date();
  utimesSync(path, now, now);
  return path;
}

async function notify(message: string): Promise<void> {
  // The journal first: it is the record; wall only reaches who is logged in right now.
  await run('logger', ['--tag', 'transactional-update', '--priority', 'user.notice', '--', message]);
  await run('wall', [message]);
}

async function runRebootCommand(ctx: PerformContext): Promise<void> {
  const argv = ctx.rebootCommand;
  if (!argv || argv.length === 0) throw new TuError('REBOOT_METHOD=command needs REBOOT_COMMAND');
  const env: Record<string, string> = { TU_REBOOT_LEVEL: ctx.level, TU_ROOT: resolve(ctx.root) };
  if (ctx.snapshot !== undefined) env.TU_SNAPSHOT = String(ctx.snapshot);
  const result = await run(argv[0]!, argv.slice(1), { env, reject: false, inherit: true });
  if (result.exitCode !== 0) {
    throw new TuError(`REBOOT_COMMAND failed (exit ${result.exitCode}): ${escapeControl(describeCommand(argv[0]!, argv.slice(1)))}`);
  }
}

async function loadKexec(ctx: PerformContext): Promise<void> {
  if (ctx.snapshot === undefined || ctx.snapshotsFsPath === undefined) {
    throw new TuError('kexec needs a pending snapshot to start');
  }
  const boot = join(ctx.root, '.snapshots', String(ctx.snapshot), 'snapshot', 'boot');
  const image = chooseKernel(readdirSync(boot));
  if (!image) throw new TuError(`no kernel found in ${escapeControl(boot)}`, { hint: 'reboot instead, with REBOOT_METHOD=systemd' });
  const cmdline = kexecCommandLine(readFileSync('/proc/cmdline', 'utf8'), ctx.snapshotsFsPath, ctx.snapshot);
  const args = ['--load', join(boot, image.kernel), `--command-line=${cmdline}`];
  if (image.initrd) args.push(`--initrd=${join(boot, image.initrd)}`);
  await run('kexec', args);
}
