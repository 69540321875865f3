/** `diff A B`: what differs between any two snapshots, in either direction. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { TuError } from '../../errors.js';
import { diffTextKey, readDiffText, writeDiffText } from '../../manifest/diff/diffTextCache.js';
import { runningBuild } from '../runningBuild.js';
import type { CliContext } from '../context.js';
import { parseSnapshotNumber } from '../snapshotNumber.js';
import { requireSnapshot } from './show.js';
import { looksLikeTerminal, writeStdout } from '../../util/stdout.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program
    .command('diff')
    .description('show what differs from snapshot A to snapshot B')
    .argument('<a>', 'snapshot number (from)')
    .argument('<b>', 'snapshot number (to)')
    .option('--recompute', "compare the snapshots' trees even when B's manifest already records the difference from A")
    .action(async (a: string, b: string, options: { recompute?: boolean }) => diffCommand(ctx(), a, b, options));
}

export async function diffCommand(ctx: CliContext, aText: string, bText: string, options: { recompute?: boolean } = {}): Promise<void> {
  const from = parseSnapshotNumber(aText);
  const to = parseSnapshotNumber(bText);
  const system = await ctx.system();
  for (const number of [from, to]) {
    const record = requireSnapshot(system.store, number);
    if (record.inProgress || !existsSync(record.paths.snapshot)) {
      throw new TuError(`snapshot ${number} is not a complete snapshot`, { hint: "see 'transactional-update list'" });
    }
  }
  const { makePalette, wantsColor } = await import('../render/palette.js');
  const color = wantsColor({ isTTY: looksLikeTerminal() });
  // The text kept from an earlier run, when it was made from this very manifest (diffTextCache.ts).
  const build = runningBuild();
  const textKey = ctx.options.json || options.recompute || build === undefined ? undefined : diffTextKey(system.store, from, to, build);
  if (textKey !== undefined) {
    const kept = readDiffText(system.store, from, to, color, textKey);
    if (kept) {
      writeStdout(kept);
      return;
    }
  }
  const [{ diffSnapshots }, { diffJson, formatJson }, { renderSnapshotDiff }] = await Promise.all([
    import('../../manifest/diff/snapshotDiff.js'),
    import('../render/json.js'),
    import('../render/manifestText.js'),
  ]);
  const diff = await diffSnapshots(system.store, from, to, { recompute: options.recompute === true });
  if (ctx.options.json) {
    ctx.print(formatJson(diffJson(diff)));
    return;
  }
  const text = renderSnapshotDiff(diff, makePalette(color));
  ctx.print(text);
  if (textKey !== undefined && diff.source === 'manifest' && !diff.etcCompared) writeDiffText(system.store, from, to, color, textKey, text);
}

