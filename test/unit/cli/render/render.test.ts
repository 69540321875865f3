import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffJson, rollbackPreviewJson, showJson } from '../../../../src/cli/render/json.js';
import { renderManifest, renderSnapshotDiff } from '../../../../src/cli/render/manifestText.js';
import { PLAIN, makePalette, wantsColor } from '../../../../src/cli/render/palette.js';
import { renderRollbackPreview } from '../../../../src/cli/render/rollbackPreview.js';
import { renderTable } from '../../../../src/cli/render/table.js';
import { previewRollback } from '../../../../src/manifest/rollbackPreview.js';
import type { SnapshotDiff } from '../../../../src/manifest/diff/snapshotDiff.js';
import { validateManifest } from '../../../../src/manifest/validate.js';

const load = (name: string) => JSON.parse(readFileSync(`fixtures/manifest/${name}`, 'utf8')) as unknown;
const example = () => validateManifest(load('manifest-v1.json'));
const recorded = () => validateManifest(load('recorded-manifest.json'));
const recordedDiff = () => load('recorded-diff-2-to-1.json') as SnapshotDiff;

describe('show rendering', () => {
  it('pins the text of a recorded manifest', () => {
    const text = renderManifest(recorded(), PLAIN);
    expect(text.split('\n').slice(0, 13)).toEqual([
      'Snapshot 2 — pkg install tu-new',
      '  base 1 · 2026-11-22 04:00:00 UTC → 2026-11-22 04:00:42 UTC · by root · exit 0',
      '  command: transactional-update pkg install tu-new',
      '  +2 ~4 -1 packages · 9 files · 6 in /etc',
      '',
      'Packages (7)',
      '  installed   tu-ma     i386   1.0-1',
      '  installed   tu-new    all    0.1-1',
      '  upgraded    tu-arch   amd64  1.0-1 → 1.1-1',
      '  upgraded    tu-epoch  amd64  2.0-1 → 1:0.1-1',
      '  upgraded    tu-up     amd64  1.0-1 → 1.1-1',
      '  downgraded  tu-down   all    2.0-1 → 1.9-1',
      '  removed     tu-gone   amd64  1.0-1',
    ]);
    expect(text).toContain('  /etc/secret.conf (modified; content withheld: not world-readable)\n');
    expect(text).toContain('  /etc/blob.bin (modified; binary file, content not shown)\n');
    expect(text).toContain('Outside the transaction\n  /etc edits made on the running system before the transaction (1)\n');
    expect(text).toContain('  Writes to shared subvolumes, which do not roll back (1)\n    created (1)\n      /var/lib/tu-new/state\n');
  });

  it('escapes control characters in paths and patch content', () => {
    const m = example();
    m.config[1]!.patch = '--- a/etc/x\n+++ b/etc/x\n@@ -1 +1 @@\n-a\tb\n+\u001b[2Jc\\d\n';
    m.files.push({ path: '/etc/bell\u0007', change: 'created' });
    const text = renderManifest(m, PLAIN);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).toContain('/usr/share/doc/tu-hello/odd\\nname\\x1b[31m');
    expect(text).toContain('/etc/bell\\x07');
    expect(text).toContain('  +\\x1b[2Jc\\d\n');
    expect(text).toContain('  -a\tb\n');
  });

  it('groups files by change with what changed, where renames came from', () => {
    const text = renderManifest(example(), PLAIN);
    expect(text).toContain(
      [
        'Files (9)',
        '  created (4)',
        '    /etc/tu-hello.conf',
        '    /usr/bin/tu-hello',
        '    /usr/share/doc/tu-hello/odd\\nname\\x1b[31m',
        '    /usr/share/tu/new-name  from /usr/share/tu/old-name',
        '  deleted (2)',
        '    /usr/lib/tu-broken',
        '    /usr/share/tu/old-name',
        '  modified (2)',
        '    /etc/shadow  content',
        '    /etc/tu-conf.conf  content, permissions',
        '  type changed (1)',
        '    /usr/share/tu/link  file → symlink',
      ].join('\n'),
    );
  });

  it('colours only with a colour palette', () => {
    expect(renderManifest(example(), PLAIN)).not.toContain('\u001b[');
    const coloured = renderManifest(example(), makePalette(true));
    expect(coloured).toContain('\u001b[32m+greeting=hello\u001b[39m');
  });

  it('says when a computed-on-demand manifest has no provenance, and when nothing changed', () => {
    const m = example();
    Object.assign(m, { computedOnDemand: true, packages: [], files: [], config: [], outside: { etc: [], etcConfig: [], sharedWrites: [] } });
    m.provenance.commandLine = [];
    const text = renderManifest(m, PLAIN);
    expect(text).toContain('  base 6 · manifest computed afterwards (made by another tool)\n');
    expect(text).toContain('\n  no changes\n');
  });
});

describe('diff and rollback rendering', () => {
  it('renders a recorded diff in the other direction', () => {
    const text = renderSnapshotDiff(recordedDiff(), PLAIN);
    expect(text.split('\n')[0]).toBe('From snapshot 2 to snapshot 1');
    expect(text).toContain('  installed   tu-gone   amd64  1.0-1\n');
    expect(text).toContain('  --- /dev/null\n  +++ b/etc/gone.conf\n');
  });

  it('says what a rollback undoes and brings back', () => {
    const preview = previewRollback(recordedDiff());
    expect(preview.packages.removed.map((p) => p.name)).toEqual(['tu-ma', 'tu-new']);
    expect(preview.packages.restored.map((p) => p.name)).toEqual(['tu-gone']);
    const text = renderRollbackPreview(preview, PLAIN);
    expect(text).toContain('Going back from snapshot 2 to snapshot 1:\n  undoes:\n    removes 2 packages: tu-ma 1.0-1, tu-new 0.1-1\n');
    expect(text).toContain('  brings back:\n    reinstalls 1 package: tu-gone 1.0-1\n');
    expect(text).toMatch(/ {2}files: 2 removed, 2 brought back, 6 changed back\n/);
    expect(text).toContain('/etc/secret.conf (modified; content withheld: not world-readable)');
    expect(rollbackPreviewJson(preview).packages.restored).toEqual([
      { name: 'tu-gone', arch: 'amd64', from: null, to: '1.0-1', change: 'installed' },
    ]);
  });

  it('says when two snapshots are the same', () => {
    const same = previewRollback({ from: 3, to: 2, packages: [], files: [], config: [], source: 'snapshots' });
    expect(renderRollbackPreview(same, PLAIN)).toBe(
      'Going back from snapshot 3 to snapshot 2:\n  the two snapshots hold the same packages and files\n',
    );
  });
});

describe('--json', () => {
  it('show holds packages, files with absolute paths (/etc included), config patches, outside', () => {
    const json = showJson(recorded());
    expect(Object.keys(json)).toEqual([
      'version', 'snapshot', 'base', 'description', 'computedOnDemand', 'provenance', 'summary', 'counts',
      'packages', 'files', 'config', 'outside', 'truncated',
    ]);
    expect(json.packages[0]).toEqual({ name: 'tu-arch', arch: 'amd64', from: '1.0-1', to: '1.1-1', change: 'upgraded' });
    expect(json.files.every((f) => f.path.startsWith('/'))).toBe(true);
    expect(json.files.some((f) => f.path.startsWith('/etc/'))).toBe(true);
    expect(json.config.find((c) => c.path === '/etc/shadow')).toEqual({ path: '/etc/shadow', change: 'modified', patch: null, withheld: 'not-world-readable' });
    expect(json.outside.config[0]?.path).toBe('/etc/motd');
  });

  it('diff holds from, to, packages, files and config', () => {
    const json = diffJson(recordedDiff());
    expect(Object.keys(json)).toEqual(['version', 'from', 'to', 'packages', 'files', 'config', 'truncated', 'source']);
    expect(json.from).toBe(2);
    expect(json.source).toBe('snapshots');
  });

  it('says when a diff was read from the manifest', () => {
    const fromManifest = { ...recordedDiff(), from: 1, to: 2, source: 'manifest' as const };
    expect(renderSnapshotDiff(fromManifest, PLAIN)).toContain("\n  (as recorded in snapshot 2's manifest; --recompute compares the snapshots again)\n");
    expect(renderSnapshotDiff(recordedDiff(), PLAIN)).not.toContain('as recorded');
  });
});

describe('palette and table', () => {
  it('colours a terminal unless NO_COLOR or TERM=dumb; FORCE_COLOR forces', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(wantsColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('aligns columns by visible width, ignoring colour codes', () => {
    const c = makePalette(true);
    expect(renderTable([[c.added('a'), 'bb', 'x'], ['ccc', 'd', 'y']], { indent: ' ' }).map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual([
      ' a    bb  x',
      ' ccc  d   y',
    ]);
  });
});
