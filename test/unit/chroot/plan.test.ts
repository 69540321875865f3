import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isKeptInheritedMount, planArguments, planMounts } from '../../../src/chroot/plan.js';
import { decodeOctal, parseMountInfo } from '../../../src/util/mountinfo.js';

const snapshot = '/var/tmp/tu-dev/mnt/.snapshots/2/snapshot';
const recorded = parseMountInfo(readFileSync('fixtures/btrfs/mountinfo.txt', 'utf8')).map((m) => m.target);

describe('the chroot mount plan', () => {
  it('mounts proc, a fresh sysfs (no securityfs), /dev, tmpfs, the shared subvolumes, then detaches the rest', () => {
    const ops = planMounts({
      snapshotRoot: snapshot,
      sharedMounts: [{ source: '/var/tmp/tu-dev/mnt/var', inside: '/var' }],
      bootEfi: '/var/tmp/tu-dev/mnt/boot/efi',
      binds: [{ source: '/run/tu-requests-2-x', inside: '/run/transactional-update', underRun: true }],
      resolv: { kind: 'bind', source: '/etc/resolv.conf' },
      inherited: ['/', '/proc', '/sys/kernel/security', '/dev/pts', '/home', '/var/tmp/tu-dev/mnt', '/var/tmp/tu-dev/mnt/.snapshots', '/var/tmp/tu-dev/mnt/var', '/mnt/other image'],
    });
    expect(ops.map((o) => o.op)).toEqual(['proc', 'sysfs', 'rbind', 'tmpfs', 'mkdir', 'tmpfs', 'tmpfs', 'rbind', 'bind', 'mkdir', 'bind', 'bind', 'detach', 'detach', 'detach']);
    expect(ops.filter((o) => o.op === 'detach').map((o) => ('path' in o ? o.path : ''))).toEqual([
      '/var/tmp/tu-dev/mnt/var',
      '/mnt/other image',
      '/home',
    ]);
    expect(planArguments(ops).slice(0, 4)).toEqual(['proc', `${snapshot}/proc`, 'sysfs', `${snapshot}/sys`]);
  });

  it('binds the shared subvolumes recursively: a disk mounted below /srv is seen inside, as on the running system', () => {
    const ops = planMounts({
      snapshotRoot: snapshot,
      sharedMounts: [{ source: '/srv', inside: '/srv' }],
      binds: [],
      resolv: { kind: 'none' },
      inherited: ['/', '/srv', '/srv/tu-test'],
    });
    expect(ops).toContainEqual({ op: 'rbind', source: '/srv', target: `${snapshot}/srv` });
    // The host's own paths are detached after the copy is made; the copy inside stays.
    const words = planArguments(ops);
    expect(words.indexOf('rbind', words.indexOf('rbind') + 1)).toBeLessThan(words.indexOf('detach'));
    expect(ops.filter((o) => o.op === 'detach').map((o) => ('path' in o ? o.path : ''))).toEqual(['/srv/tu-test', '/srv']);
  });

  it('gives /tmp and /run/lock mode 1777 (sticky, for apt\'s _apt user) and /run 0755, as Debian has them', () => {
    const ops = planMounts({ snapshotRoot: snapshot, sharedMounts: [], binds: [], resolv: { kind: 'none' }, inherited: [] });
    const tmpfs = ops.filter((o) => o.op === 'tmpfs').map((o) => ('mode' in o ? `${o.path} ${o.mode}` : ''));
    expect(tmpfs).toEqual([`${snapshot}/run 0755`, `${snapshot}/run/lock 1777`, `${snapshot}/tmp 1777`]);
    // /run/lock's mount point is made inside the fresh /run first.
    const words = planArguments(ops);
    expect(words.slice(words.indexOf('rbind') + 3)).toEqual([
      'tmpfs', '0755', `${snapshot}/run`,
      'mkdir', `${snapshot}/run/lock`,
      'tmpfs', '1777', `${snapshot}/run/lock`,
      'tmpfs', '1777', `${snapshot}/tmp`,
    ]);
  });

  it('keeps /, the kernel file systems, the ancestors of the snapshot and what is inside it', () => {
    expect(isKeptInheritedMount('/', snapshot)).toBe(true);
    expect(isKeptInheritedMount('/dev/shm', snapshot)).toBe(true);
    expect(isKeptInheritedMount('/var/tmp/tu-dev/mnt/.snapshots', snapshot)).toBe(true);
    expect(isKeptInheritedMount(`${snapshot}/proc`, snapshot)).toBe(true);
    expect(isKeptInheritedMount('/var/tmp/tu-dev/mnt/var', snapshot)).toBe(false);
    expect(isKeptInheritedMount('/devices', snapshot)).toBe(false);
  });

  it('reads mount points from a recorded mountinfo, octal escapes decoded', () => {
    expect(recorded).toContain('/var/tmp/tu-dev/mnt/.snapshots');
    expect(decodeOctal('/mnt/a\\040b\\012c')).toBe('/mnt/a b\nc');
  });
});

describe('the plan as tu-enter takes it', () => {
  it('is one list of words, in order: the mounts with their mkdirs, then mkdir and copy, then the detaches deepest first', () => {
    const ops = planMounts({
      snapshotRoot: snapshot,
      sharedMounts: [{ source: '/var/tmp/tu-dev/mnt/var', inside: '/var' }],
      binds: [{ source: '/run/tu-requests-2-x', inside: '/run/transactional-update', underRun: true }],
      resolv: { kind: 'copy-into-run', source: '/run/tu-requests-2-x.stubs/resolv.conf', inside: '/run/systemd/resolve/stub-resolv.conf' },
      inherited: ['/', '/home', '/mnt/other image'],
    });
    expect(planArguments(ops)).toEqual([
      'proc', `${snapshot}/proc`,
      'sysfs', `${snapshot}/sys`,
      'rbind', '/dev', `${snapshot}/dev`,
      'tmpfs', '0755', `${snapshot}/run`,
      'mkdir', `${snapshot}/run/lock`,
      'tmpfs', '1777', `${snapshot}/run/lock`,
      'tmpfs', '1777', `${snapshot}/tmp`,
      'rbind', '/var/tmp/tu-dev/mnt/var', `${snapshot}/var`,
      'mkdir', `${snapshot}/run/transactional-update`,
      'bind', '/run/tu-requests-2-x', `${snapshot}/run/transactional-update`,
      'mkdir', `${snapshot}/run/systemd/resolve`,
      'copy', '/run/tu-requests-2-x.stubs/resolv.conf', `${snapshot}/run/systemd/resolve/stub-resolv.conf`,
      'detach', '/mnt/other image',
      'detach', '/home',
    ]);
  });
});
