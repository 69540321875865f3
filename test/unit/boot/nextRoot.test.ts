/** Which snapshot may become the next root of a soft-reboot, and how it is mounted (pure parts). */
import { describe, expect, it } from 'vitest';
import { chooseNextRoot, nextRootMountOptions, snapshotSubvolume, type NextRootFacts } from '../../../src/boot/nextRoot.js';

const facts = (over: Partial<NextRootFacts> = {}): NextRootFacts => ({
  next: 5,
  booted: 4,
  managedBootLoader: true,
  grubPointer: 5,
  btrfsDefault: 5,
  hasFstab: true,
  hasOsRelease: true,
  ...over,
});

describe('chooseNextRoot', () => {
  it('takes the pending snapshot when both pointers name it', () => {
    expect(chooseNextRoot(facts())).toEqual({ ok: true, snapshot: 5 });
    // Without the tool's GRUB directory the Btrfs default is the only pointer.
    expect(chooseNextRoot(facts({ managedBootLoader: false, grubPointer: undefined }))).toEqual({ ok: true, snapshot: 5 });
  });

  it('refuses, saying why in one clause, whenever a full reboot would start something else', () => {
    expect(chooseNextRoot(facts({ grubPointer: 4 }))).toEqual({ ok: false, reason: "the next-boot pointers disagree (GRUB's names 4, the Btrfs default 5)" });
    expect(chooseNextRoot(facts({ btrfsDefault: 4 }))).toEqual({ ok: false, reason: 'the Btrfs default (4) does not name snapshot 5' });
    expect(chooseNextRoot(facts({ next: undefined }))).toEqual({ ok: false, reason: 'no snapshot is named as the next boot' });
    expect(chooseNextRoot(facts({ booted: 5 }))).toEqual({ ok: false, reason: 'snapshot 5 is already running' });
    expect(chooseNextRoot(facts({ hasFstab: false }))).toEqual({ ok: false, reason: 'snapshot 5 has no /etc/fstab to mount its shared subvolumes from' });
    expect(chooseNextRoot(facts({ hasOsRelease: false }))).toEqual({ ok: false, reason: 'snapshot 5 has no os-release (systemd switches only into an OS tree)' });
  });
});

describe('the next root mount', () => {
  it('is the snapshot subvolume with the running root’s own mount options', () => {
    expect(snapshotSubvolume('@/.snapshots', 5)).toBe('/@/.snapshots/5/snapshot');
    expect(snapshotSubvolume('/@/.snapshots/', 12)).toBe('/@/.snapshots/12/snapshot');
    // mountinfo's per-mount options of a booted guest's / (no subvol there; it is in the super options).
    expect(nextRootMountOptions('rw,relatime', '/@/.snapshots/5/snapshot')).toBe('rw,relatime,subvol=/@/.snapshots/5/snapshot');
    expect(nextRootMountOptions('ro,noatime,subvolid=260,subvol=/@/.snapshots/4/snapshot', '/@/.snapshots/5/snapshot')).toBe('ro,noatime,subvol=/@/.snapshots/5/snapshot');
  });
});
