/** `show N`: the whole manifest of snapshot N (computed on demand for snapshots others made). */
import type { Command } from 'commander';
import { SnapshotNotFoundError, TuError } from '../../errors.js';
import type { SnapshotRecord, SnapshotStore } from '../../snapshots/store.js';
import type { CliContext } from '../context.js';
import { parseSnapshotNumber } from '../snapshotNumber.js';
import { looksLikeTerminal } from '../../util/stdout.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program
    .command('show')
    .description('show what a snapshot changed: packages, files, /etc diffs')
    .argument('<number>', 'snapshot number')
    .action(async (number: string) => showCommand(ctx(), number));
}

export async function showCommand(ctx: CliContext, text: string): Promise<void> {
  const number = parseSnapshotNumber(text);
  const system = await ctx.system();
  const record = requireSnapshot(system.store, number);
  if (record.inProgress) {
    throw new TuError(`snapshot ${number} is a transaction still in progress (or one that crashed)`, {
      hint: "its manifest is written when it completes; 'transactional-update cleanup' removes crashed ones",
    });
  }
  // The manifest modules (and the comparison behind an on-demand manifest) load only here.
  const [{ loadManifest }, { snapshotLevel }, { formatJson, showJson }, { renderManifest }, { makePalette, wantsColor }] = await Promise.all([
    import('../../manifest/load.js'),
    import('../../reboot/snapshotLevel.js'),
    import('../render/json.js'),
    import('../render/manifestText.js'),
    import('../render/palette.js'),
  ]);
  const manifest = await loadManifest(system.store, number);
  // What booting it needs against its base, and which paths and packages decide that.
  const level = snapshotLevel(system.store, manifest);
  if (ctx.options.json) ctx.print(formatJson(showJson(manifest, level)));
  else ctx.print(renderManifest(manifest, makePalette(wantsColor({ isTTY: looksLikeTerminal() })), level));
}

export { parseSnapshotNumber };

export function requireSnapshot(store: SnapshotStore, number: number): SnapshotRecord {
  if (!store.has(number)) throw new SnapshotNotFoundError(number);
  return store.read(number);
}
