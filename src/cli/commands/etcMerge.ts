/** `etc-merge` (run at boot): carry /etc edits made before the reboot into the booted snapshot. */
import type { Command } from 'commander';
import { escapeControl } from '../../util/escape.js';
import type { CliContext } from '../context.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('etc-merge')
    .description('carry /etc edits made before the reboot into the booted snapshot (run at boot)')
    .action(async () => {
      const c = ctx();
      const { mergeEtcAtBoot } = await import('../../boot/index.js');
      const report = await mergeEtcAtBoot(await c.system());
      if (!report) return;
      c.print(`/etc merged from snapshot ${report.from}: ${report.merged.length} carried, ${report.conflicts.length} conflicts`);
      for (const conflict of report.conflicts) {
        c.print(escapeControl(`conflict: ${conflict.path} keeps snapshot ${report.snapshot}'s version${conflict.runningCopy ? `; the running one is ${conflict.runningCopy}` : ''}`));
      }
    });
}
