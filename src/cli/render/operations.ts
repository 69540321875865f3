/** rollback, abort and cleanup results for people, and their --json (docs/json-output.md). */
import type { AbortResult } from '../../operations/abort.js';
import type { CleanupResult } from '../../operations/cleanup.js';
import type { RollbackPlan } from '../../operations/rollback.js';
import { rollbackPreviewJson } from './json.js';

export function rollbackJson(plan: RollbackPlan, dryRun: boolean) {
  return { from: plan.from ?? null, to: plan.to, dryRun, preview: plan.preview ? rollbackPreviewJson(plan.preview) : null };
}

export function renderRollbackDone(plan: RollbackPlan, dryRun: boolean): string {
  return dryRun
    ? `Dry run: snapshot ${plan.to} would become the next boot.`
    : `Rolled back: snapshot ${plan.to} is the next boot. Reboot to use it.`;
}

export function renderAbort(result: AbortResult): string {
  return `Snapshot ${result.discarded} discarded${result.nextBoot !== undefined ? `; snapshot ${result.nextBoot} boots next` : ''}.`;
}

export function abortJson(result: AbortResult) {
  return { discarded: result.discarded, nextBoot: result.nextBoot ?? null, warnings: result.warnings };
}

export function renderCleanup(result: CleanupResult): string[] {
  const lines: string[] = [];
  if (result.recovered?.finished.length) lines.push(`Finished: ${result.recovered.finished.join(', ')} (committed by an interrupted run)`);
  if (result.recovered?.removed.length) lines.push(`Removed interrupted: ${result.recovered.removed.join(', ')}`);
  if (result.recovered?.scratch.length) lines.push(`Removed scratch left by interrupted runs: ${result.recovered.scratch.length}`);
  const all = [...result.leftovers, ...result.beyondLimit];
  if (result.dryRun) lines.push(all.length ? `Would remove: ${all.join(', ')}` : 'Nothing to remove.');
  else lines.push(result.removed.length ? `Removed: ${result.removed.join(', ')}` : 'Nothing to remove.');
  return lines;
}

export function cleanupJson(result: CleanupResult) {
  return {
    leftovers: result.leftovers,
    beyondLimit: result.beyondLimit,
    dryRun: result.dryRun,
    removed: result.removed,
    recovered: result.recovered ?? null,
    warnings: result.warnings,
  };
}
