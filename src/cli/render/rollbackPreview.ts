/** The text `rollback N` shows before it asks: what going back undoes and brings back. */
import { escapeControl } from '../../util/escape.js';
import type { RollbackPreview } from '../../manifest/rollbackPreview.js';
import type { PackageChange } from '../../manifest/types.js';
import type { Palette } from './palette.js';
import { renderConfig } from './sections.js';

export function renderRollbackPreview(r: RollbackPreview, p: Palette): string {
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
