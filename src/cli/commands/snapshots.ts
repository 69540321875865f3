/** list, status, rollback, abort, cleanup. */
import type { Command } from 'commander';
import { TuError, UsageError, SnapshotNotFoundError } from '../../errors.js';
import { gatherOverview, type Overview, type SnapshotRow } from '../../snapshots/overview.js';
import { planCleanup } from '../../snapshots/cleanupPlan.js';
import { lastBootedOtherThan, readBootHistory, hasBooted } from '../../snapshots/bootHistory.js';
import type { System } from '../../snapshots/system.js';
import { acquireLock } from '../../transaction/lock.js';
import { escapeControl } from '../../util/escape.js';
import type { CliContext } from '../context.js';
import { askYesNo } from '../prompt.js';
import { listingHooks, type ListingHooks } from '../listingHooks.js';
import { renderTable } from '../table.js';
import { jsonLine } from '../render/json.js';
import { damageLines, damageOf, damagedSnapshots, stateText, type ManifestHealth } from '../render/damage.js';
import { lastKnownGood } from '../../boot/state.js';
import { systemSettings } from '../settings.js';

export function registerSnapshotCommands(program: Command, ctx: () => CliContext): void {
  program.command('list').description('list the snapshots').action(async () => listCommand(ctx()));
  program.command('status').description('booted, default and pending snapshots').action(async () => statusCommand(ctx()));
  program.command('rollback').argument('[snapshot]', 'a number, or "last" (default: the booted snapshot)')
    .option('--dry-run', 'only show what the rollback would do')
    .option('-y, --yes', 'do not ask')
    .description('make a snapshot the next boot')
    .action(async (target: string | undefined, opts: { dryRun?: boolean; yes?: boolean }) => rollbackCommand(ctx(), target, opts));
  program.command('abort').argument('[snapshot]', 'a closed snapshot not booted yet (default: the pending default)')
    .description('discard a snapshot that has not been booted, and boot the current one again')
    .action(async (target: string | undefined) => abortCommand(ctx(), target));
  program.command('cleanup').option('--dry-run', 'only show what would be removed')
    .option('--limit <n>', 'how many of our snapshots to keep (default: KEEP_SNAPSHOTS, 10)')
    .description('remove crash leftovers and snapshots beyond the number limit')
    .action(async (opts: { dryRun?: boolean; limit?: string }) => cleanupCommand(ctx(), opts));
}

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function markers(row: SnapshotRow): string {
  // snapper's convention: "*" booted and default, "-" booted, "+" default (next boot).
  if (row.booted && row.default) return '*';
  if (row.booted) return '-';
  if (row.default) return '+';
  return ' ';
}

function rowJson(row: SnapshotRow, summary: unknown) {
  return {
    number: row.number,
    date: row.date,
    description: row.description,
    type: row.type,
    readOnly: row.readOnly,
    booted: row.booted,
    default: row.default,
    pending: row.pending,
    inProgress: row.inProgress,
    failed: row.failed,
    ours: row.ours,
    damage: damageOf(row, summary as ManifestHealth | undefined),
    summary: summary ?? null,
  };
}

async function listCommand(ctx: CliContext): Promise<void> {
  const system = await ctx.system();
  const hooks: ListingHooks = await listingHooks(system);
  const overview = await gatherOverview(system, () => hooks.listed());
  if (ctx.options.json) {
    ctx.print(jsonLine(overview.snapshots.map((r) => rowJson(r, hooks.summary(r.number)?.data))));
    return;
  }
  const rows = overview.snapshots.map((r) => [
    `${r.number}${markers(r)}`,
    r.date ?? '',
    r.readOnly ? 'ro' : 'rw',
    stateText(r),
    truncate(escapeControl(r.description), 48),
    hooks.summary(r.number)?.text ?? '',
  ]);
  ctx.print(renderTable(['#', 'date (UTC)', 'ro', 'state', 'description', 'changes'], rows));
  ctx.print('* booted and next boot, - booted, + next boot');
}

export function statusJson(overview: Overview, system: System) {
  const pending = overview.snapshots.filter((s) => s.pending).map((s) => s.number);
  return {
    root: system.root,
    booted: overview.booted ?? null,
    default: overview.default ?? null,
    pending,
    rebootPending: overview.default !== undefined && overview.default !== overview.booted,
    inProgress: overview.snapshots.filter((s) => s.inProgress).map((s) => s.number),
    failed: overview.snapshots.filter((s) => s.failed).map((s) => s.number),
  };
}

async function statusCommand(ctx: CliContext): Promise<void> {
  const system = await ctx.system();
  const hooks = await listingHooks(system, ctx.options.config);
  await hooks.repair();
  const overview = await gatherOverview(system);
  const status = statusJson(overview, system);
  const extra = await hooks.status(overview);
  const damaged = damagedSnapshots(overview.snapshots, (n) => hooks.summary(n)?.data as ManifestHealth | undefined);
  if (ctx.options.json) {
    ctx.print(jsonLine({ ...status, damaged, ...extra.data }));
    return;
  }
  const describe = (n: number | null) => {
    if (n === null) return 'none';
    const row = overview.snapshots.find((s) => s.number === n);
    return row ? `${n} (${escapeControl(row.description)}, ${row.date})` : String(n);
  };
  ctx.print(`Booted:    ${describe(status.booted)}`);
  ctx.print(`Next boot: ${describe(status.default)}${status.rebootPending ? '  — reboot to use it' : ''}`);
  if (status.failed.length) ctx.print(`Failed (kept): ${status.failed.join(', ')}`);
  if (status.inProgress.length) ctx.print(`In progress: ${status.inProgress.join(', ')}`);
  for (const line of damageLines(damaged)) ctx.print(line);
  for (const line of extra.lines) ctx.print(line);
}

function parseNumber(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`'${escapeControl(text)}' is not a snapshot number`);
  return Number(text);
}

function requireBootable(system: System, number: number): void {
  if (!system.store.has(number)) throw new SnapshotNotFoundError(number);
  const record = system.store.read(number);
  if (!record.complete || record.inProgress) throw new TuError(`snapshot ${number} is not a complete system`, { hint: "see 'transactional-update list'" });
}

async function rollbackCommand(ctx: CliContext, target: string | undefined, opts: { dryRun?: boolean; yes?: boolean }): Promise<void> {
  const system = await ctx.system();
  const overview = await gatherOverview(system);
  let number: number;
  if (target === undefined) {
    if (system.booted === undefined) throw new TuError('the booted system is not one of the snapshots');
    number = system.booted;
  } else if (target === 'last') {
    const last = lastBootedOtherThan(readBootHistory(system.stateDir), overview.default, (n) => system.store.has(n));
    if (last === undefined) throw new TuError('no other snapshot has been booted yet', { hint: 'name a snapshot number' });
    number = last;
  } else {
    number = parseNumber(target);
  }
  requireBootable(system, number);
  if (number === overview.default) {
    ctx.note(`Snapshot ${number} already is the next boot.`);
    return;
  }
  const hooks = await listingHooks(system);
  const preview = await hooks.rollbackPreview(overview.default, number);
  // The preview is what the user decides on: it goes to stdout (stderr with --json).
  if (preview.text.length && !ctx.options.json) ctx.print(preview.text.join('\n'));
  const result = (dryRun: boolean) => JSON.stringify({ from: overview.default ?? null, to: number, dryRun, preview: preview.json });
  if (opts.dryRun) {
    if (ctx.options.json) ctx.print(result(true));
    else ctx.note(`Dry run: snapshot ${number} would become the next boot.`);
    return;
  }
  const answered = opts.yes || ctx.options.yes || ctx.options.nonInteractive;
  if (!answered) {
    if (!ctx.terminal) throw new UsageError('rollback needs confirmation', { hint: 'run it on a terminal, or add --yes' });
    if (!(await askYesNo(`Make snapshot ${number} the next boot?`, false))) throw new TuError('rollback cancelled');
  }
  using _lock = acquireLock(system.stateDir);
  await hooks.repair();
  await hooks.setNextBoot(number);
  if (ctx.options.json) ctx.print(result(false));
  else ctx.note(`Rolled back: snapshot ${number} is the next boot. Reboot to use it.`);
}

async function abortCommand(ctx: CliContext, target: string | undefined): Promise<void> {
  const system = await ctx.system();
  const overview = await gatherOverview(system);
  const number = target === undefined ? overview.default : parseNumber(target);
  if (number === undefined || number === system.booted) throw new TuError('there is no pending snapshot to abort');
  if (!system.store.has(number)) throw new SnapshotNotFoundError(number);
  if (hasBooted(readBootHistory(system.stateDir), number)) {
    throw new TuError(`snapshot ${number} has been booted; it cannot be aborted`, { hint: 'use rollback to boot another snapshot' });
  }
  const record = system.store.read(number);
  if (!record.ours) throw new TuError(`snapshot ${number} was not made by transactional-update`);
  using _lock = acquireLock(system.stateDir);
  const hooks = await listingHooks(system);
  if (overview.default === number) {
    if (system.booted === undefined) throw new TuError('the booted system is not one of the snapshots; cannot reset the next boot');
    await hooks.setNextBoot(system.booted);
  }
  await system.store.delete(number);
  await hooks.afterRemoval();
  ctx.note(`Snapshot ${number} discarded${overview.default === number ? `; snapshot ${system.booted} boots next` : ''}.`);
}

async function cleanupCommand(ctx: CliContext, opts: { dryRun?: boolean; limit?: string }): Promise<void> {
  const system = await ctx.system();
  const keep = opts.limit === undefined ? systemSettings(system.root, ctx.options.config).settings.keepSnapshots : Number(opts.limit);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`invalid --limit '${escapeControl(opts.limit ?? '')}' (a number of at least 1)`);
  using _lock = acquireLock(system.stateDir);
  const overview = await gatherOverview(system);
  const lastBooted = lastBootedOtherThan(readBootHistory(system.stateDir), system.booted, (n) => system.store.has(n));
  const knownGood = lastKnownGood(system.stateDir, (n) => system.store.has(n));
  const plan = planCleanup(overview, { keep, lastBooted, knownGood });
  const all = [...plan.leftovers, ...plan.beyondLimit];
  if (ctx.options.json) ctx.print(JSON.stringify({ ...plan, dryRun: Boolean(opts.dryRun) }));
  if (opts.dryRun) {
    if (!ctx.options.json) ctx.note(all.length ? `Would remove: ${all.join(', ')}` : 'Nothing to remove.');
    return;
  }
  const { recoverCrashedTransactions } = await import('../../transaction/recovery.js');
  await recoverCrashedTransactions(system);
  for (const n of all) if (system.store.has(n)) await system.store.delete(n);
  if (all.length) await (await listingHooks(system)).afterRemoval();
  if (!ctx.options.json) ctx.note(all.length ? `Removed: ${all.join(', ')}` : 'Nothing to remove.');
}
