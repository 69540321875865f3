/** health-check, etc-merge, grub.cfg, bootloader, initrd, kargs: the boot side's commands. */
import type { Command } from 'commander';
import { TuError, UsageError } from '../../errors.js';
import type { KargsEdit } from '../../boot/kargs.js';
import { defaultSnapshot, type System } from '../../snapshots/system.js';
import { escapeControl } from '../../util/escape.js';

/** A transaction that runs the given steps in a new snapshot (wired by the CLI main to the engine). */
export type BootTransact = (request: { description: string; steps: Array<{ argv: string[]; label: string }> }) => Promise<{ number: number }>;

export interface BootCommandContext {
  system: System;
  transact?: BootTransact;
}

function say(text: string): void {
  process.stdout.write(`${escapeControl(text)}\n`);
}

function needTransact(ctx: BootCommandContext): BootTransact {
  if (!ctx.transact) throw new TuError('this command needs the transaction engine, which is not wired into this build');
  return ctx.transact;
}

// The boot and reboot modules load when one of these commands runs: `list` and `diff` never need them.
const boot = () => import('../../boot/index.js');

export function registerBootCommands(program: Command, getContext: () => Promise<BootCommandContext>): void {
  program
    .command('health-check')
    .description('check the booted snapshot; fall back to the known-good one when it fails (run at boot)')
    .option('--no-reboot', 'never restart the machine; only record and repoint')
    .action(async (opts: { reboot: boolean }) => {
      const { system } = await getContext();
      const outcome = await (await boot()).healthCheck(system, {
        reboot: async () => {
          if (!opts.reboot) return;
          const { performReboot } = await import('../../reboot/perform.js');
          await performReboot(
            { method: 'systemd', mechanism: 'reboot', reason: 'the health check failed' },
            { root: system.root, snapshot: undefined, level: 'reboot' },
          );
        },
      });
      for (const c of outcome.checks) say(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`);
      if (outcome.status === 'fail') throw new TuError(outcome.message, outcome.safeState ? { hint: 'fix the failing check, then run transactional-update health-check again' } : {});
      say(outcome.message);
    });

  program
    .command('etc-merge')
    .description('carry /etc edits made before the reboot into the booted snapshot (run at boot)')
    .action(async () => {
      const { system } = await getContext();
      const report = await (await boot()).mergeEtcAtBoot(system);
      if (!report) return;
      say(`/etc merged from snapshot ${report.from}: ${report.merged.length} carried, ${report.conflicts.length} conflicts`);
      for (const c of report.conflicts) say(`conflict: ${c.path} keeps snapshot ${report.snapshot}'s version${c.runningCopy ? `; the running one is ${c.runningCopy}` : ''}`);
    });

  program
    .command('grub.cfg')
    .description('regenerate the boot menu')
    .action(async () => {
      const { system } = await getContext();
      const { repairPointers, refreshBootMenu } = await boot();
      await repairPointers(system);
      if (!(await refreshBootMenu(system))) {
        throw new TuError('this system has no transactional-update GRUB directory', {
          hint: "bootable systems come from 'transactional-update image create --bootable'",
        });
      }
    });

  program
    .command('bootloader')
    .description('reinstall the boot loader on the ESP')
    .action(async () => {
      const { system } = await getContext();
      await (await boot()).reinstallBootloader(system);
      say('boot loader reinstalled');
    });

  program
    .command('initrd')
    .description('regenerate the initrd in a new snapshot')
    .action(async () => {
      const ctx = await getContext();
      const { number } = await needTransact(ctx)({
        description: 'initrd',
        steps: [{ argv: ['update-initramfs', '-u', '-k', 'all'], label: 'regenerate the initrd' }],
      });
      say(`snapshot ${number} has a new initrd; reboot to use it`);
    });

  program
    .command('kargs')
    .description('show or edit the kernel command line of the next snapshot (edits make a new snapshot)')
    .argument('[action]', 'show (default), add, remove or set')
    .argument('[args...]')
    .action(async (action: string | undefined, args: string[]) => {
      const ctx = await getContext();
      const next = (await defaultSnapshot(ctx.system)) ?? ctx.system.booted;
      if (next === undefined) throw new TuError('there is no next snapshot');
      const { readSnapshotCmdline } = await import('../../boot/cmdline.js');
      const current = readSnapshotCmdline(ctx.system.store.paths(next).snapshot).args;
      if (action === undefined || action === 'show') {
        say(current.join(' '));
        return;
      }
      if (action !== 'add' && action !== 'remove' && action !== 'set') throw new UsageError(`unknown kargs action ${JSON.stringify(action)}`, { hint: 'use show, add, remove or set' });
      const { editKargs } = await import('../../boot/kargs.js');
      const updated = editKargs(current, { op: action, args } as KargsEdit);
      const { number } = await needTransact(ctx)({
        description: `kargs ${action} ${args.join(' ')}`.trim(),
        steps: [
          {
            // The new line is an argument, never part of the script.
            argv: ['sh', '-c', 'mkdir -p /etc/kernel && printf "%s\\n" "$1" > /etc/kernel/cmdline', 'sh', updated.join(' ')],
            label: 'write /etc/kernel/cmdline',
          },
        ],
      });
      say(`snapshot ${number}: ${updated.join(' ')}`);
    });
}
