/**
 * The sections show, diff and rollback share: packages with versions, files grouped by
 * change, /etc diffs. Each returns lines; an empty list means "nothing to say".
 */
import { escapeControl } from '../../util/escape.js';
import type { ConfigChange, FileChange, FileChangeKind, FileModification, PackageChange } from '../../manifest/types.js';
import type { Palette } from './palette.js';
import { displayFrom, displayPatchLine, displayPath } from './paths.js';
import { renderTable } from './table.js';

const PACKAGE_ORDER = ['installed', 'upgraded', 'downgraded', 'removed'] as const;

export function renderPackages(packages: readonly PackageChange[], p: Palette, indent = '  '): string[] {
  const sorted = [...packages].sort(
    (a, b) => PACKAGE_ORDER.indexOf(a.change) - PACKAGE_ORDER.indexOf(b.change) || a.name.localeCompare(b.name) || a.arch.localeCompare(b.arch),
  );
  return renderTable(
    sorted.map((pkg) => {
      const colour = pkg.change === 'installed' ? p.added : pkg.change === 'removed' ? p.removed : p.changed;
      const versions =
        pkg.change === 'installed' ? (pkg.to ?? '') : pkg.change === 'removed' ? (pkg.from ?? '') : `${pkg.from ?? '?'} → ${pkg.to ?? '?'}`;
      return [colour(pkg.change), escapeControl(pkg.name), escapeControl(pkg.arch), escapeControl(versions)];
    }),
    { indent },
  );
}

const FILE_GROUPS: readonly { kind: FileChangeKind; label: string }[] = [
  { kind: 'created', label: 'created' },
  { kind: 'deleted', label: 'deleted' },
  { kind: 'modified', label: 'modified' },
  { kind: 'type-changed', label: 'type changed' },
];

const MODIFICATION_WORDS: readonly (keyof FileModification)[] = ['content', 'permissions', 'owner', 'group', 'xattrs', 'acl'];

export function describeModification(modified: FileModification | undefined): string {
  if (modified === undefined) return '';
  // The usual case (a rewritten file) without building a list.
  if (modified.content === true && modified.permissions === undefined && modified.owner === undefined && modified.group === undefined
    && modified.xattrs === undefined && modified.acl === undefined) return 'content';
  const words = MODIFICATION_WORDS.filter((key) => modified[key]);
  return words.join(', ');
}

const byPath = (a: FileChange, b: FileChange) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

function isSortedByPath(files: readonly FileChange[]): boolean {
  for (let i = 1; i < files.length; i++) if (files[i - 1]!.path > files[i]!.path) return false;
  return true;
}

/** Files grouped by change; within a group sorted by path (a manifest's files already are). */
export function renderFiles(files: readonly FileChange[], p: Palette, indent = '  '): string[] {
  const lines: string[] = [];
  for (const group of FILE_GROUPS) {
    const members = files.filter((f) => f.change === group.kind);
    if (!isSortedByPath(members)) members.sort(byPath);
    if (members.length === 0) continue;
    const colour = group.kind === 'created' ? p.added : group.kind === 'deleted' ? p.removed : p.changed;
    lines.push(`${indent}${colour(group.label)} (${members.length})`);
    for (const f of members) lines.push(`${indent}  ${displayPath(f)}${fileDetail(f, p)}`);
  }
  return lines;
}

function fileDetail(f: FileChange, p: Palette): string {
  if (f.from === undefined && f.change !== 'modified' && f.change !== 'type-changed') return '';
  const parts: string[] = [];
  const from = displayFrom(f);
  if (from !== undefined) parts.push(`from ${from}`);
  if (f.change === 'modified') {
    const what = describeModification(f.modified);
    if (what) parts.push(what);
  }
  if (f.change === 'type-changed' && (f.oldType || f.newType)) parts.push(`${f.oldType ?? '?'} → ${f.newType ?? '?'}`);
  return parts.length ? `  ${p.dim(parts.join('; '))}` : '';
}

const WITHHELD_TEXT: Record<string, string> = {
  'not-world-readable': 'content withheld: not world-readable',
  binary: 'binary file, content not shown',
  'too-large': 'diff too large to keep',
  capped: 'not kept: the size cap for this snapshot was reached',
};

export function renderConfig(config: readonly ConfigChange[], p: Palette, indent = '  '): string[] {
  const lines: string[] = [];
  for (const c of config) {
    if (c.patch === null) {
      const why = WITHHELD_TEXT[c.withheld ?? ''] ?? `content not shown (${escapeControl(c.withheld ?? 'unknown')})`;
      lines.push(`${indent}${p.heading(displayPath(c))} ${p.dim(`(${c.change}; ${why})`)}`);
      continue;
    }
    for (const line of patchLines(c, c.patch)) lines.push(indent + colourPatchLine(line, p));
  }
  return lines;
}

/**
 * A patch's lines for the screen. Its header names the file, and a file name may hold a
 * newline: the header is printed from the change's path (escaped) when it is the one the
 * manifest wrote, so a name can never split or forge a line.
 */
function patchLines(c: ConfigChange, patch: string): string[] {
  const raw = patch.replace(/\n$/, '').split('\n');
  const firstHunk = raw.findIndex((line) => line.startsWith('@@'));
  const headerEnd = firstHunk === -1 ? raw.length : firstHunk;
  const header = raw.slice(0, headerEnd).join('\n');
  const body = raw.slice(headerEnd).map(displayPatchLine);
  for (const [oldSide, newSide] of [[`a${c.path}`, `b${c.path}`], ['/dev/null', `b${c.path}`], [`a${c.path}`, '/dev/null']] as const) {
    if (header === `--- ${oldSide}\n+++ ${newSide}`) {
      const show = (side: string) => (side === '/dev/null' ? side : `${side[0]}${displayPath(c)}`);
      return [`--- ${show(oldSide)}`, `+++ ${show(newSide)}`, ...body];
    }
  }
  return [...raw.slice(0, headerEnd).map(displayPatchLine), ...body];
}

function colourPatchLine(line: string, p: Palette): string {
  if (line.startsWith('+++') || line.startsWith('---')) return p.heading(line);
  if (line.startsWith('@@')) return p.hunk(line);
  if (line.startsWith('+')) return p.added(line);
  if (line.startsWith('-')) return p.removed(line);
  return line;
}

/** A titled section, or nothing when it has no lines. */
export function section(title: string, lines: readonly string[], p: Palette): string[] {
  return lines.length === 0 ? [] : ['', p.heading(title), ...lines];
}
