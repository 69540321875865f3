/** What an integration test needs, and what happens when it is missing: fail in CI, skip elsewhere. */
import { describe, expect, it } from 'vitest';
import {
  ROOT_AND_LOOP_COMMANDS,
  decide,
  findMissing,
  gatherFacts,
  isOnPath,
  type MachineFacts,
} from '../../support/requirements.js';

const complete: MachineFacts = {
  uid: 0,
  hasLoopControl: true,
  filesystems: ['ext4', 'btrfs'],
  commands: new Set(ROOT_AND_LOOP_COMMANDS),
};
const all = { root: true, loop: true, btrfs: true, commands: ROOT_AND_LOOP_COMMANDS };

describe('requirements', () => {
  it('finds nothing missing on a complete machine, and then neither skips nor fails', () => {
    expect(findMissing(all, complete)).toEqual([]);
    expect(decide([], true)).toBeUndefined();
    expect(decide([], false)).toBeUndefined();
  });

  it('names everything that is missing, in order', () => {
    const bare: MachineFacts = { uid: 1000, hasLoopControl: false, filesystems: ['ext4'], commands: new Set(['unshare']) };
    expect(findMissing(all, bare)).toEqual([
      'root',
      '/dev/loop-control',
      'btrfs in /proc/filesystems',
      'mkfs.btrfs',
      'mmdebstrap',
      'tini',
    ]);
  });

  it('skips with a reason outside CI', () => {
    expect(decide(['root', 'tini'], false)).toBe('needs root, tini');
  });

  it('fails in CI, naming what is missing', () => {
    expect(() => decide(['root', 'tini'], true)).toThrow(
      new Error('CI=true and this integration test cannot run: missing root, tini'),
    );
  });

  it('reads this machine: /proc/filesystems and PATH (sbin included)', () => {
    const facts = gatherFacts(['sh', 'no-such-command-tu']);
    expect(facts.filesystems.length).toBeGreaterThan(0);
    expect(facts.filesystems).toContain('proc');
    expect([...facts.commands]).toEqual(['sh']);
    expect(isOnPath('losetup')).toBe(true);
  });
});
