/** `kargs [show|add|remove|set] [args…]`: the next snapshot's kernel command line; edits make a new snapshot. */
import type { Command } from 'commander';
import type { KargsEdit } from '../../boot/kargs.js';
import { NoNextSnapshot, UsageError } from '../../errors.js';
import { defaultSnapshot } from '../../snapshots/system.js';
import { escapeControl } from '../../util/escape.js';
import type { CliContext } from '../context.js';
import { transact } from '../transact.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('kargs')
    .description('show or edit the kernel command line of the next snapshot (edits make a new snapshot)')
    .argument('[action]', 'show (default), add, remove or set')
    .argument('[args...]')
    .action(async (action: string | undefined, args: string[]) => {
      const c = ctx();
      const system = await c.system();
      const next = (await defaultSnapshot(system)) ?? system.booted;
      if (next === undefined) throw new NoNextSnapshot();
      const { readSnapshotCmdline } = await import('../../boot/cmdline.js');
      const current = readSnapshotCmdline(system.store.paths(next).snapshot).args;
      if (action === undefined || action === 'show') {
        c.print(escapeControl(current.join(' ')));
        return;
      }
      if (action !== 'add' && action !== 'remove' && action !== 'set') {
        throw new UsageError(`unknown kargs action ${JSON.stringify(action)}`, { hint: 'use show, add, remove or set' });
      }
      const { editKargs } = await import('../../boot/kargs.js');
      const updated = editKargs(current, { op: action, args } as KargsEdit);
      const { number } = await transact(c, `kargs ${action} ${args.join(' ')}`.trim(), {
        interactive: false,
        steps: [
          {
            // The new line is an argument, never part of the script.
            argv: ['sh', '-c', 'mkdir -p /etc/kernel && printf "%s\\n" "$1" > /etc/kernel/cmdline', 'sh', updated.join(' ')],
            label: 'write /etc/kernel/cmdline',
          },
        ],
      });
      c.print(escapeControl(`snapshot ${number}: ${updated.join(' ')}`));
    });
}
