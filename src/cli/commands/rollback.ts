/** `rollback [N|last] [--dry-run] [--yes]`: make a snapshot the next boot, after saying what that changes. */
import { jsonLine } from '../render/json.js';
import type { Command } from 'commander';
import { TuError, UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { askYesNo } from '../prompt.js';
import { parseSnapshotNumber } from '../snapshotNumber.js';
import { looksLikeTerminal } from '../../util/stdout.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('rollback').argument('[snapshot]', 'a number, or "last" (default: the booted snapshot)')
    .option('--dry-run', 'only show what the rollback would do')
    .option('-y, --yes', 'do not ask')
    .description('make a snapshot the next boot')
    .action(async (target: string | undefined, opts: { dryRun?: boolean; yes?: boolean }) => {
      const c = ctx();
      const wanted = target === undefined ? 'booted' : target === 'last' ? 'last' : parseSnapshotNumber(target);
      const system = await c.system();
      const [{ planRollback, rollback }, { renderRollbackPreview }, { renderRollbackDone, rollbackJson }, { makePalette, wantsColor }] = await Promise.all([
        import('../../operations/rollback.js'),
        import('../render/rollbackPreview.js'),
        import('../render/operations.js'),
        import('../render/palette.js'),
      ]);
      const plan = await planRollback(system, wanted);
      if (plan.alreadyNext) {
        c.note(`Snapshot ${plan.to} already is the next boot.`);
        return;
      }
      // The preview is what the user decides on: it goes to stdout (not with --json).
      if (plan.preview && !c.options.json) c.print(renderRollbackPreview(plan.preview, makePalette(wantsColor({ isTTY: looksLikeTerminal() }))).trimEnd());
      if (opts.dryRun) {
        if (c.options.json) c.print(jsonLine(rollbackJson(plan, true)));
        else c.note(renderRollbackDone(plan, true));
        return;
      }
      if (!(opts.yes || c.options.yes || c.options.nonInteractive)) {
        if (!c.terminal) throw new UsageError('rollback needs confirmation', { hint: 'run it on a terminal, or add --yes' });
        if (!(await askYesNo(`Make snapshot ${plan.to} the next boot?`, false))) throw new TuError('rollback cancelled');
      }
      await rollback(system, plan);
      if (c.options.json) c.print(jsonLine(rollbackJson(plan, false)));
      else c.note(renderRollbackDone(plan, false));
    });
}
