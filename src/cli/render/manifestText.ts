/** `show N` and `diff A B` as text for people. */
import { escapeControl } from '../../util/escape.js';
import { summarizeManifest } from '../../manifest/summary.js';
import type { SnapshotDiff } from '../../manifest/diff/snapshotDiff.js';
import type { Manifest } from '../../manifest/types.js';
import type { Palette } from './palette.js';
import { renderConfig, renderFiles, renderPackages, section } from './sections.js';
import { describeLevelCause, type LevelCauseText } from './rebootLevel.js';

/** `level`: the reboot level the snapshot needs against its base, and what set it (show). */
export function renderManifest(m: Manifest, p: Palette, level?: LevelCauseText & { level: string }): string {
  const prov = m.provenance;
  const lines = [p.heading(`Snapshot ${m.number}${m.description ? ` — ${escapeControl(m.description)}` : ''}`)];
  const facts = [m.base === null ? 'no base' : `base ${m.base}`];
  if (m.computedOnDemand) facts.push('manifest computed afterwards (made by another tool)');
  else {
    facts.push(`${formatTime(prov.startedAt)} → ${formatTime(prov.endedAt)}`);
    if (prov.user) facts.push(`by ${escapeControl(prov.user)}`);
    facts.push(`exit ${prov.exitStatus}`);
  }
  lines.push(`  ${facts.join(' · ')}`);
  if (prov.commandLine.length > 0) lines.push(`  command: ${prov.commandLine.map(quoteWord).join(' ')}`);
  lines.push(`  ${summarizeManifest(m)}`);
  if (level) lines.push(`  reboot level: ${level.level}${level.level === 'none' ? '' : `, set by ${escapeControl(describeLevelCause(level))}`}`);
  lines.push(...section(`Packages (${m.packages.length})`, renderPackages(m.packages, p), p));
  lines.push(...section(`Files (${m.files.length})`, renderFiles(m.files, p), p));
  lines.push(...section('Configuration changes in /etc', renderConfig(m.config, p), p));
  if (m.truncated?.config) lines.push(p.warning('  (/etc diffs were capped: the snapshot reached its size limit)'));
  const outside = [
    ...subsection(`  /etc edits made on the running system before the transaction (${m.outside.etc.length})`, [
      ...renderFiles(m.outside.etc, p, '    '),
      ...renderConfig(m.outside.etcConfig, p, '    '),
    ]),
    ...subsection(
      `  Writes to shared subvolumes, which do not roll back (${m.outside.sharedWrites.length})`,
      renderFiles(m.outside.sharedWrites, p, '    '),
    ),
  ];
  lines.push(...section('Outside the transaction', outside, p));
  if (m.packages.length + m.files.length + m.outside.etc.length + m.outside.sharedWrites.length === 0) lines.push('', '  no changes');
  return `${lines.join('\n')}\n`;
}

export function renderSnapshotDiff(d: SnapshotDiff, p: Palette): string {
  const lines = [p.heading(`From snapshot ${d.from} to snapshot ${d.to}`)];
  lines.push(...section(`Packages (${d.packages.length})`, renderPackages(d.packages, p), p));
  lines.push(...section(`Files (${d.files.length})`, renderFiles(d.files, p), p));
  lines.push(...section('Configuration changes in /etc', renderConfig(d.config, p), p));
  if (d.truncated?.config) lines.push(p.warning('  (/etc diffs were capped at the size limit)'));
  if (d.packages.length + d.files.length === 0) lines.push('', '  no differences');
  if (d.source === 'manifest') lines.push('', p.dim(`  (as recorded in snapshot ${d.to}'s manifest; --recompute compares the snapshots again)`));
  return `${lines.join('\n')}\n`;
}

function subsection(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [title, ...lines];
}

function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

function quoteWord(word: string): string {
  const safe = escapeControl(word);
  return /^[\w@%+=:,./-]+$/.test(safe) ? safe : `'${safe.replace(/'/g, "'\\''")}'`;
}
