import { describe, expect, it } from 'vitest';
import { damageLines, stateText } from '../../../../src/cli/render/damage.js';
import { damagedSnapshots } from '../../../../src/snapshots/damage.js';

describe('damaged snapshots in list and status', () => {
  const rows = [
    { number: 1, damage: [] },
    { number: 3, damage: ['info.xml unreadable' as const] },
    { number: 4, damage: [] },
    { number: 5, damage: ['snapshot subvolume missing' as const] },
  ];
  const manifests = new Map([[4, { manifestError: 'manifest.json is not valid JSON' }], [1, { manifestError: null }]]);

  it('joins the store findings and the index findings, per snapshot', () => {
    expect(damagedSnapshots(rows, (n) => manifests.get(n))).toEqual([
      { number: 3, damage: ['info.xml unreadable'] },
      { number: 4, damage: ['manifest.json unreadable'] },
      { number: 5, damage: ['snapshot subvolume missing'] },
    ]);
  });

  it("status names them and says what to do, once per kind", () => {
    expect(damageLines(damagedSnapshots(rows, (n) => manifests.get(n)))).toEqual([
      "Damaged: 3 (info.xml unreadable), 4 (manifest.json unreadable), 5 (snapshot subvolume missing) — restore info.xml from a backup or write one in snapper's format; delete manifest.json to have it computed again; 'transactional-update cleanup' removes what is left of our snapshots",
    ]);
    expect(damageLines([])).toEqual([]);
  });

  it("list's state column", () => {
    expect(stateText({ pending: true, inProgress: false, failed: false, damage: ['info.xml unreadable'] })).toBe('pending,damaged: info.xml unreadable');
    expect(stateText({ pending: false, inProgress: false, failed: false, damage: [] })).toBe('');
  });
});
