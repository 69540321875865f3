/** `status` from its data: the lines people read and the --json docs/json-output.md documents. */
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../../../src/cli/render/palette.js';
import { renderStatus, statusJson } from '../../../../src/cli/render/status.js';
import type { SystemStatus } from '../../../../src/operations/status.js';

const row = (number: number, description: string) => ({
  number, description, date: '2026-12-01 04:00:00', type: 'single', readOnly: true, booted: number === 1, default: number === 3,
  pending: number === 3, inProgress: false, failed: false, ours: true, complete: true, everBooted: number === 1, userdata: {}, damage: [],
});

const status: SystemStatus = {
  root: '/',
  booted: row(1, 'first root filesystem'),
  next: row(3, 'pkg install tu-hello'),
  bootedNumber: 1,
  nextNumber: 3,
  pending: [3],
  inProgress: [],
  failed: [2],
  damaged: [],
  nextBootPreview: {
    from: 1, to: 3,
    packages: { removed: [], restored: [{ name: 'tu-hello', arch: 'amd64', from: null, to: '1.0-1', change: 'installed' }], downgraded: [], upgraded: [] },
    files: { removed: 0, restored: 2, changed: 1 },
    etc: { paths: 0, config: [] },
    nothingChanges: false,
  },
  boot: {
    managedBootLoader: true, pointer: 3, btrfsDefault: 3, knownGood: 1, bootCounter: '3', health: undefined, failureReboot: undefined,
    badPackageSets: [], etcMerge: undefined, pendingEtcEdits: { snapshot: 3, carried: [], conflicts: [] },
  },
  reboot: {
    pending: { snapshot: 3, level: 'soft-reboot', causes: [{ snapshot: 3, level: 'soft-reboot', paths: ['/usr/bin/tu-hello'], packages: ['tu-hello'] }] }, timeZone: 'UTC', windows: [], window: undefined, inWindow: false,
    rebootDue: new Date('2026-12-01T05:00:00Z'), summary: 'snapshot 3 needs a soft-reboot; no maintenance window is configured',
  },
  rebootMethod: 'auto',
};

describe('status', () => {
  it('reads the pending snapshot as a step forward', () => {
    expect(renderStatus(status, PLAIN)).toEqual([
      'Booted:    1 (first root filesystem, 2026-12-01 04:00:00)',
      'Next boot: 3 (pkg install tu-hello, 2026-12-01 04:00:00)  — reboot to use it',
      'Failed (kept): 2',
      'Reboot needed: soft-reboot (for snapshot 3), set by /usr/bin/tu-hello (package tu-hello)',
      'Boot attempts left for the next boot: 3',
      'What the next boot brings:',
      'Going forward from snapshot 1 to snapshot 3:\n  installs 1 package: tu-hello 1.0-1\n  files: 2 added, 0 removed, 1 changed',
    ]);
  });

  it('says when the reboot is due when a maintenance window is closed now', () => {
    const window = { start: new Date('2026-12-01T14:00:00Z'), end: new Date('2026-12-01T15:00:00Z') };
    const closed: SystemStatus = {
      ...status,
      reboot: { ...status.reboot!, pending: { snapshot: 3, level: 'reboot', causes: [] }, windows: ['Tue 14:00 1h'], window, inWindow: false, rebootDue: new Date('2026-12-01T14:20:00Z') },
    };
    const lines = renderStatus(closed, PLAIN);
    expect(lines).toContain('Next maintenance window: 2026-12-01 14:00 +00:00');
    expect(lines).toContain('Reboot needed: reboot (for snapshot 3), due at 2026-12-01 14:20 +00:00');
  });

  it('--json keeps the documented fields and adds the pointers', () => {
    const json = statusJson(status);
    expect(json).toMatchObject({
      root: '/', booted: 1, default: 3, pending: [3], rebootPending: true, inProgress: [], failed: [2],
      rebootMethod: 'auto', rebootLevel: 'soft-reboot',
      rebootLevelSetBy: [{ snapshot: 3, level: 'soft-reboot', paths: ['/usr/bin/tu-hello'], packages: ['tu-hello'] }], knownGood: 1, pendingEtcEdits: { snapshot: 3 },
      boot: { managedBootLoader: true, grubPointer: 3, btrfsDefault: 3, bootCounter: '3' },
      reboot: { summary: 'snapshot 3 needs a soft-reboot; no maintenance window is configured', due: '2026-12-01T05:00:00.000Z' },
    });
    expect(json.nextBoot).toMatchObject({ version: 1, from: 1, to: 3, files: { removed: 0, restored: 2, changed: 1 } });
  });

  it('names every pending snapshot that set the highest level, and the packages', () => {
    const chain: SystemStatus = {
      ...status,
      reboot: {
        ...status.reboot!,
        pending: {
          snapshot: 4,
          level: 'kexec',
          causes: [
            { snapshot: 3, level: 'kexec', paths: ['/usr/lib/modules/6.12.1/kernel/fs/x.ko'], morePaths: 40, packages: ['linux-image-6.12.1'] },
            { snapshot: 4, level: 'kexec', paths: ['/boot/vmlinuz-6.12.2'], packages: [] },
          ],
        },
      },
    };
    expect(renderStatus(chain, PLAIN)).toContain(
      'Reboot needed: kexec (for snapshot 4), set by snapshot 3: /usr/lib/modules/6.12.1/kernel/fs/x.ko and 40 more (package linux-image-6.12.1); snapshot 4: /boot/vmlinuz-6.12.2',
    );
  });
});
