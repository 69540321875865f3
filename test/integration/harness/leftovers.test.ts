/** The run's leak check: which new loop devices and mounts fail the run. */
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/util/exec.js';
import {
  findLeftovers,
  leftoversMessage,
  parseFindmntJson,
  parseLosetupJson,
  type SystemState,
} from '../../support/leftovers.js';
import { requireMachine } from '../../support/requirements.js';
import { readSystemState } from '../../support/systemState.js';
import { makeTestDir } from '../../support/tmp.js';

const policy = { baseDir: '/var/tmp/tu-test-1', tempDirs: ['/tmp', '/var/tmp'], ci: false };
const none: SystemState = { loops: [], mounts: [] };

describe('leftovers', () => {
  it('parses losetup, which prints nothing when no device is attached', () => {
    expect(parseLosetupJson('')).toEqual([]);
    expect(
      parseLosetupJson(
        '{"loopdevices": [{"name":"/dev/loop0", "sizelimit":0, "offset":0, "autoclear":false, "ro":false, "back-file":"/tmp/a b.img", "dio":false, "log-sec":512}]}',
      ),
    ).toEqual([{ name: '/dev/loop0', backFile: '/tmp/a b.img' }]);
  });

  it('parses findmnt list output', () => {
    expect(parseFindmntJson('{"filesystems": [{"target":"/", "source":"/dev/vda", "fstype":"ext4"}]}')).toEqual([
      { target: '/', source: '/dev/vda', fstype: 'ext4' },
    ]);
  });

  it('ignores what existed before the run', () => {
    const state: SystemState = {
      loops: [{ name: '/dev/loop0', backFile: '/var/tmp/tu-test-1/x.img' }],
      mounts: [{ target: '/var/tmp/tu-test-1/root', source: '/dev/loop0', fstype: 'btrfs' }],
    };
    expect(findLeftovers(state, state, policy)).toEqual({ failures: [], warnings: [] });
  });

  it('fails on anything new in the base dir, even a deleted back file', () => {
    const after: SystemState = {
      loops: [{ name: '/dev/loop3', backFile: '/var/tmp/tu-test-1/x.img (deleted)' }],
      mounts: [{ target: '/var/tmp/tu-test-1/sys/root', source: '/dev/loop3[/@]', fstype: 'btrfs' }],
    };
    expect(findLeftovers(none, after, policy)).toEqual({
      failures: [
        'loop device /dev/loop3 (back file /var/tmp/tu-test-1/x.img (deleted))',
        'mount /var/tmp/tu-test-1/sys/root (btrfs from /dev/loop3[/@])',
      ],
      warnings: [],
    });
  });

  it('outside CI only warns about new devices elsewhere (another run may own them); in CI they fail', () => {
    const after: SystemState = {
      loops: [{ name: '/dev/loop4', backFile: '/tmp/other.img' }],
      mounts: [
        { target: '/tmp/other', source: '/dev/loop4', fstype: 'btrfs' },
        { target: '/run/user/0', source: 'tmpfs', fstype: 'tmpfs' },
      ],
    };
    const expected = ['loop device /dev/loop4 (back file /tmp/other.img)', 'mount /tmp/other (btrfs from /dev/loop4)'];
    expect(findLeftovers(none, after, policy)).toEqual({ failures: [], warnings: expected });
    expect(findLeftovers(none, after, { ...policy, ci: true })).toEqual({ failures: expected, warnings: [] });
  });

  it('does not count the base dir prefix as inside it', () => {
    const after: SystemState = { loops: [{ name: '/dev/loop5', backFile: '/var/tmp/tu-test-10/x.img' }], mounts: [] };
    expect(findLeftovers(none, after, policy).failures).toEqual([]);
  });

  it('says how many things were left', () => {
    expect(leftoversMessage(['a', 'b'])).toBe('the test run left 2 mount(s) or loop device(s) behind:\n  a\n  b');
  });
});

const skip = requireMachine({ root: true, loop: true, commands: ['losetup', 'findmnt'] }, 'leak check on real devices');

describe.skipIf(skip)('leftovers on this machine', () => {
  it('sees a loop device attached during the run, and not after it is detached', async () => {
    const dir = await makeTestDir('leak');
    const image = join(dir, 'leak.img');
    writeFileSync(image, Buffer.alloc(1 << 20));
    const before = await readSystemState();
    const device = (await run('losetup', ['--show', '-f', image])).stdout;
    try {
      const during = findLeftovers(before, await readSystemState(), { ...policy, baseDir: dir });
      expect(during.failures).toEqual([`loop device ${device} (back file ${image})`]);
    } finally {
      await run('losetup', ['-d', device]);
    }
    expect(findLeftovers(before, await readSystemState(), { ...policy, baseDir: dir }).failures).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
});
