/**
 * What moving the next boot from one snapshot to another changes: `rollback N` shows it before
 * it asks, `status` for the pending snapshot. Going back to an older snapshot reads as undoing
 * and bringing back; a step forward to a newer one reads as one: installs, removes, changes.
 */
import { escapeControl } from '../../util/escape.js';
import type { RollbackPreview } from '../../manifest/rollbackPreview.js';
import type { PackageChange } from '../../manifest/types.js';
import type { Palette } from './palette.js';
import { renderConfig } from './sections.js';

export function renderRollbackPreview(r: RollbackPreview, p: Palette): string {
  if (r.to > r.from) return renderStepForward(r, p);
  const lines = [p.heading(`Going back from snapshot ${r.from} to snapshot ${r.to}:`)];
  if (r.nothingChanges) {
    lines.push('  the two snapshots hold the same packages and files');
    return `${lines.join('\n')}\n`;
  }
  const versions = (pkg: PackageChange) => `${escapeControl(pkg.name)} ${escapeControl(pkg.from ?? '?')} → ${escapeControl(pkg.to ?? '?')}`;
  const names = (list: PackageChange[], show: (pkg: PackageChange) => string) => list.map(show).join(', ');
  const { removed, restored, downgraded, upgraded } = r.packages;
  const undoes: string[] = [];
  if (removed.length) undoes.push(`removes ${plural(removed.length, 'package')}: ${names(removed, (x) => `${escapeControl(x.name)} ${escapeControl(x.from ?? '')}`.trim())}`);
  if (downgraded.length) undoes.push(`downgrades ${plural(downgraded.length, 'package')}: ${names(downgraded, versions)}`);
  const brings: string[] = [];
  if (restored.length) brings.push(`reinstalls ${plural(restored.length, 'package')}: ${names(restored, (x) => `${escapeControl(x.name)} ${escapeControl(x.to ?? '')}`.trim())}`);
  if (upgraded.length) brings.push(`returns ${plural(upgraded.length, 'package')} to newer versions: ${names(upgraded, versions)}`);
  if (undoes.length) lines.push(`  ${p.removed('undoes')}:`, ...undoes.map((l) => `    ${l}`));
  if (brings.length) lines.push(`  ${p.added('brings back')}:`, ...brings.map((l) => `    ${l}`));
  const f = r.files;
  lines.push(`  files: ${f.removed} removed, ${f.restored} brought back, ${f.changed} changed back`);
  if (r.etc.paths > 0) {
    lines.push(`  /etc: ${plural(r.etc.paths, 'path')} change:`);
    lines.push(...renderConfig(r.etc.config, p, '    '));
  }
  lines.push(p.dim('  /var, /home, /root, /srv, /opt and /usr/local are not rolled back.'));
  return `${lines.join('\n')}\n`;
}

/** A newer snapshot: the preview's lists read in the direction of time. */
function renderStepForward(r: RollbackPreview, p: Palette): string {
  const lines = [p.heading(`Going forward from snapshot ${r.from} to snapshot ${r.to}:`)];
  if (r.nothingChanges) {
    lines.push('  the two snapshots hold the same packages and files');
    return `${lines.join('\n')}\n`;
  }
  const versions = (pkg: PackageChange) => `${escapeControl(pkg.name)} ${escapeControl(pkg.from ?? '?')} → ${escapeControl(pkg.to ?? '?')}`;
  const names = (list: PackageChange[], show: (pkg: PackageChange) => string) => list.map(show).join(', ');
  // restored: in `to` only; removed: in `from` only; upgraded/downgraded: `to`'s version against `from`'s.
  const { removed, restored, downgraded, upgraded } = r.packages;
  if (restored.length) lines.push(`  ${p.added('installs')} ${plural(restored.length, 'package')}: ${names(restored, (x) => `${escapeControl(x.name)} ${escapeControl(x.to ?? '')}`.trim())}`);
  if (upgraded.length) lines.push(`  upgrades ${plural(upgraded.length, 'package')}: ${names(upgraded, versions)}`);
  if (downgraded.length) lines.push(`  downgrades ${plural(downgraded.length, 'package')}: ${names(downgraded, versions)}`);
  if (removed.length) lines.push(`  ${p.removed('removes')} ${plural(removed.length, 'package')}: ${names(removed, (x) => `${escapeControl(x.name)} ${escapeControl(x.from ?? '')}`.trim())}`);
  const f = r.files;
  lines.push(`  files: ${f.restored} added, ${f.removed} removed, ${f.changed} changed`);
  if (r.etc.paths > 0) {
    lines.push(`  /etc: ${plural(r.etc.paths, 'path')} change:`);
    lines.push(...renderConfig(r.etc.config, p, '    '));
  }
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
