/** `list`: every snapshot with its markers and the index's summary of what it changed. */
import { jsonLine } from '../render/json.js';
import type { Command } from 'commander';
import type { Listing } from '../../manifest/index/listing.js';
import { defaultSnapshot } from '../../snapshots/system.js';
import { gatherOverview } from '../../snapshots/overview.js';
import { log } from '../../util/log.js';
import { writeStdout } from '../../util/stdout.js';
import type { CliContext } from '../context.js';
import { listingTextKey, readListingText, writeListingText } from '../listingText.js';
import { listedRows, renderSnapshotList, snapshotRowJson } from '../render/snapshotList.js';
import { runningBuild } from '../runningBuild.js';

export function define(program: Command, ctx: () => CliContext): Command {
  return program.command('list').description('list the snapshots').action(async () => {
    const c = ctx();
    const system = await c.system();
    // The table kept from an earlier run, when nothing it is made from changed (listingText.ts).
    const build = runningBuild();
    const def = await defaultSnapshot(system);
    const textKey = c.options.json || build === undefined ? undefined : listingTextKey(system, def, build);
    if (textKey !== undefined) {
      const kept = readListingText(system, textKey);
      if (kept) {
        writeStdout(kept);
        return;
      }
    }
    const { readListing } = await import('../../manifest/index/listing.js');
    let listing: Listing | undefined;
    try {
      listing = readListing(system.store);
    } catch (error) {
      log.detail(`no snapshot index: ${String(error)}`);
    }
    const overview = await gatherOverview(system, () =>
      listing?.snapshots.map((s) => ({
        number: s.number,
        date: s.date === null ? undefined : new Date(s.date),
        description: s.description,
        type: s.type ?? 'unknown',
        userdata: s.userdata,
      })),
      { number: def },
    );
    const rows = listedRows(overview.snapshots);
    if (c.options.json) {
      c.print(jsonLine(rows.map((r) => snapshotRowJson(r, listing?.summary(r.number)?.data))));
      return;
    }
    const text = `${renderSnapshotList(rows, (n) => listing?.summary(n)?.text)}\n`;
    c.print(text);
    if (textKey !== undefined) writeListingText(system, textKey, text);
  });
}
