/** `abort [N]`: discard a snapshot that has not been booted, and boot the current one again. */
import { jsonLine } from '../render/json.js';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseSnapshotNumber } from '../snapshotNumber.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('abort').argument('[snapshot]', 'a closed snapshot not booted yet (default: the pending default)')
    .description('discard a snapshot that has not been booted, and boot the current one again')
    .action(async (target: string | undefined) => {
      const c = ctx();
      const number = target === undefined ? undefined : parseSnapshotNumber(target);
      const system = await c.system();
      const [{ abort }, { abortJson, renderAbort }] = await Promise.all([import('../../operations/abort.js'), import('../render/operations.js')]);
      const result = await abort(system, number);
      if (c.options.json) c.print(jsonLine(abortJson(result)));
      else c.note(renderAbort(result));
    });
}
