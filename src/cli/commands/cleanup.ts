/** `cleanup [--dry-run] [--limit N]`: crash leftovers and snapshots beyond the number limit. */
import { jsonLine } from '../render/json.js';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { escapeControl } from '../../util/escape.js';
import type { CliContext } from '../context.js';
import { systemSettings } from '../settings.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('cleanup').option('--dry-run', 'only show what would be removed')
    .option('--limit <n>', 'how many of our snapshots to keep (default: KEEP_SNAPSHOTS, 10)')
    .description('remove crash leftovers and snapshots beyond the number limit')
    .action(async (opts: { dryRun?: boolean; limit?: string }) => {
      const c = ctx();
      const system = await c.system();
      const keep = opts.limit === undefined ? systemSettings(system.root, c.options.config).settings.keepSnapshots : Number(opts.limit);
      if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`invalid --limit '${escapeControl(opts.limit ?? '')}' (a number of at least 1)`);
      const [{ cleanup }, { cleanupJson, renderCleanup }] = await Promise.all([import('../../operations/cleanup.js'), import('../render/operations.js')]);
      const result = await cleanup(system, { keep, dryRun: Boolean(opts.dryRun) });
      if (c.options.json) c.print(jsonLine(cleanupJson(result)));
      else for (const line of renderCleanup(result)) c.note(line);
    });
}
