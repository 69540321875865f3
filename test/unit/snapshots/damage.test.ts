import { describe, expect, it } from 'vitest';
import { snapshotDamage } from '../../../src/snapshots/damage.js';

describe('snapshot damage', () => {
  const sound = { infoReadable: true, infoExists: true, subvolumeExists: true, inProgress: false };

  it('finds nothing in a sound snapshot', () => {
    expect(snapshotDamage(sound)).toEqual([]);
  });

  it('tells a missing info.xml from an unreadable one (empty, truncated)', () => {
    expect(snapshotDamage({ ...sound, infoReadable: false, infoExists: false })).toEqual(['info.xml missing']);
    expect(snapshotDamage({ ...sound, infoReadable: false })).toEqual(['info.xml unreadable']);
  });

  it('a directory without its subvolume is damaged unless a transaction is still making it', () => {
    expect(snapshotDamage({ ...sound, subvolumeExists: false })).toEqual(['snapshot subvolume missing']);
    expect(snapshotDamage({ ...sound, subvolumeExists: false, inProgress: true })).toEqual([]);
  });
});
