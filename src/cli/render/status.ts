/** `status` for people, and its --json (docs/json-output.md), from src/operations/status.ts's data. */
import { formatInZone } from '../../reboot/timezone.js';
import { describeLevelCause } from './rebootLevel.js';
import type { SnapshotRow } from '../../snapshots/overview.js';
import type { SystemStatus } from '../../operations/status.js';
import { escapeControl } from '../../util/escape.js';
import { rollbackPreviewJson } from './json.js';
import type { Palette } from './palette.js';
import { damageLines } from './damage.js';
import { renderRollbackPreview } from './rollbackPreview.js';

export function renderStatus(s: SystemStatus, p: Palette): string[] {
  const describe = (n: number | undefined, row: SnapshotRow | undefined) => {
    if (n === undefined) return 'none';
    return row ? `${n} (${escapeControl(row.description)}, ${row.date})` : String(n);
  };
  const rebootPending = s.nextNumber !== undefined && s.nextNumber !== s.bootedNumber;
  const lines = [
    `Booted:    ${describe(s.bootedNumber, s.booted)}`,
    `Next boot: ${describe(s.nextNumber, s.next)}${rebootPending ? '  — reboot to use it' : ''}`,
  ];
  if (s.failed.length) lines.push(`Failed (kept): ${s.failed.join(', ')}`);
  if (s.inProgress.length) lines.push(`In progress: ${s.inProgress.join(', ')}`);
  lines.push(...damageLines(s.damaged));
  if (s.reboot) {
    const r = s.reboot;
    if (r.window) {
      lines.push(r.inWindow
        ? `Maintenance window: open now, until ${formatInZone(r.window.end, r.timeZone)}`
        : `Next maintenance window: ${formatInZone(r.window.start, r.timeZone)}`);
    }
    if (r.pending && rebootPending) {
      // With windows, when the reboot timer will do it (the same time `reboot --if-needed` picks).
      const due = r.window && r.rebootDue ? `, due at ${formatInZone(r.rebootDue, r.timeZone)}` : '';
      const causes = r.pending.causes;
      const setBy = causes.length === 0
        ? ''
        : `, set by ${causes.map((c) => `${causes.length > 1 || c.snapshot !== r.pending!.snapshot ? `snapshot ${c.snapshot}: ` : ''}${escapeControl(describeLevelCause(c))}`).join('; ')}`;
      lines.push(`Reboot needed: ${r.pending.level} (for snapshot ${r.pending.snapshot})${due}${setBy}`);
    }
  } else {
    lines.push('Configuration: unreadable; no reboot plan (see the warning above)');
  }
  if (s.boot.bootCounter !== undefined) lines.push(`Boot attempts left for the next boot: ${s.boot.bootCounter}`);
  if (s.nextBootPreview) lines.push('What the next boot brings:', renderRollbackPreview(s.nextBootPreview, p).trimEnd());
  const edits = s.boot.pendingEtcEdits;
  if (edits?.carried.length) {
    lines.push(`Edits to /etc made since snapshot ${edits.snapshot} was taken, carried over at boot: ${edits.carried.map(escapeControl).join(', ')}`);
  }
  if (edits?.conflicts.length) {
    lines.push(`Edits to /etc that snapshot ${edits.snapshot} changed too (its version wins, yours is kept beside it): ${edits.conflicts.map(escapeControl).join(', ')}`);
  }
  const merge = s.boot.etcMerge;
  if (merge?.conflicts.length) {
    lines.push(`/etc conflicts at the last boot (the snapshot's version kept, yours beside it): ${merge.conflicts.map((c) => escapeControl(c.path)).join(', ')}`);
  }
  const health = s.boot.health;
  if (health) lines.push(`Health check: ${health.status} for snapshot ${health.snapshot}${health.fallback ? ' (fallback boot)' : ''} at ${health.at}`);
  if (s.boot.badPackageSets.length) {
    lines.push(`Bad package sets recorded: ${s.boot.badPackageSets.length} (the daily update will not rebuild them)`);
  }
  return lines;
}

export function statusJson(s: SystemStatus) {
  const r = s.reboot;
  const rebootPending = s.nextNumber !== undefined && s.nextNumber !== s.bootedNumber;
  return {
    root: s.root,
    booted: s.bootedNumber ?? null,
    default: s.nextNumber ?? null,
    pending: s.pending,
    rebootPending,
    inProgress: s.inProgress,
    failed: s.failed,
    damaged: s.damaged,
    ...(s.rebootMethod ? { rebootMethod: s.rebootMethod } : {}),
    ...(r?.window ? { nextWindow: { start: r.window.start.toISOString(), end: r.window.end.toISOString(), open: r.inWindow } } : {}),
    ...(r?.pending && rebootPending ? { rebootLevel: r.pending.level, rebootLevelSetBy: r.pending.causes } : {}),
    ...(r ? { reboot: { summary: r.summary, due: r.rebootDue?.toISOString() ?? null } } : {}),
    ...(s.nextBootPreview ? { nextBoot: rollbackPreviewJson(s.nextBootPreview) } : {}),
    ...(rebootPending ? { pendingEtcEdits: s.boot.pendingEtcEdits ?? null } : {}),
    ...(s.boot.etcMerge?.conflicts.length ? { etcConflicts: s.boot.etcMerge.conflicts } : {}),
    ...(s.boot.health ? { health: s.boot.health } : {}),
    ...(s.boot.knownGood !== undefined ? { knownGood: s.boot.knownGood } : {}),
    ...(s.boot.badPackageSets.length ? { badPackageSets: s.boot.badPackageSets } : {}),
    boot: {
      managedBootLoader: s.boot.managedBootLoader,
      grubPointer: s.boot.pointer ?? null,
      btrfsDefault: s.boot.btrfsDefault ?? null,
      bootCounter: s.boot.bootCounter ?? null,
    },
  };
}
