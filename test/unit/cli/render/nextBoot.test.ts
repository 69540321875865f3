/** A step forward (status, or a rollback to a newer snapshot) reads as one. */
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../../../src/cli/render/palette.js';
import { renderRollbackPreview } from '../../../../src/cli/render/rollbackPreview.js';
import { previewRollback } from '../../../../src/manifest/rollbackPreview.js';
import type { SnapshotDiff } from '../../../../src/manifest/diff/snapshotDiff.js';

const forward: SnapshotDiff = {
  from: 1,
  to: 3,
  packages: [
    { name: 'tu-hello', arch: 'amd64', from: null, to: '1.0-1', change: 'installed' },
    { name: 'tu-conf', arch: 'all', from: '1.0-1', to: '2.0-1', change: 'upgraded' },
    { name: 'tu-old', arch: 'all', from: '0.9-1', to: null, change: 'removed' },
  ],
  files: [
    { path: '/usr/bin/tu-hello', change: 'created' },
    { path: '/etc/tu-hello.conf', change: 'created' },
    { path: '/usr/share/tu-old/x', change: 'deleted' },
    { path: '/etc/tu-conf.conf', change: 'modified', modified: { content: true } },
  ],
  config: [],
  source: 'manifest',
};

describe('the next boot, a newer snapshot', () => {
  it('reads forward: installs, upgrades, removes; files added, removed, changed', () => {
    const text = renderRollbackPreview(previewRollback(forward), PLAIN);
    expect(text).toBe(
      [
        'Going forward from snapshot 1 to snapshot 3:',
        '  installs 1 package: tu-hello 1.0-1',
        '  upgrades 1 package: tu-conf 1.0-1 → 2.0-1',
        '  removes 1 package: tu-old 0.9-1',
        '  files: 2 added, 1 removed, 1 changed',
        '  /etc: 2 paths change:',
        '',
      ].join('\n'),
    );
    expect(text).not.toMatch(/going back|brought back|undoes/i);
  });

  it('an older snapshot still reads as going back', () => {
    const back = renderRollbackPreview(previewRollback({ ...forward, from: 3, to: 1 }), PLAIN);
    expect(back).toContain('Going back from snapshot 3 to snapshot 1:');
    expect(back).toContain('files: 1 removed, 2 brought back, 1 changed back');
  });
});
