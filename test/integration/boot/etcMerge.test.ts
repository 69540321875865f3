/**
 * The check 4 on a real Btrfs image: a transaction changed /etc/a; before the reboot the
 * running system edits /etc/b and /etc/a; after the merge at boot /etc/b has the edit, /etc/a
 * the transaction's version with the running one beside it, and the conflict is reported.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeEtcAtBoot, pendingEtcEdits, readEtcMergeReport } from '../../../src/boot/etcMerge/etcMerge.js';
import { readBootStatus } from '../../../src/boot/status.js';
import { setDefaultSnapshot } from '../../../src/snapshots/system.js';
import { recordBooted } from '../../../src/snapshots/bootHistory.js';
import { readEtcStartOrigin, writeEtcStartOrigin } from '../../../src/snapshots/etcStartOrigin.js';
import { requireMachine } from '../../support/requirements.js';
import { addSnapshot, makeTestSystem, NEEDS, type TestSystem } from './support.js';

const skip = requireMachine(NEEDS, '/etc merge integration test');

describe.skipIf(skip)('/etc merge at boot (check 4)', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await makeTestSystem();
    writeFileSync(join(t.root, 'etc/a'), 'a original\n');
    writeFileSync(join(t.root, 'etc/b'), 'b original\n');
    writeFileSync(join(t.root, 'etc/dropped'), 'to be removed on the running system\n');
    // The transaction (snapshot 2, from the running snapshot 1) changes /etc/a.
    await addSnapshot(t, 2, { base: 1, description: 'pkg install a', etc: { a: 'a from the transaction\n' } });
    await setDefaultSnapshot(t.system, 2);
    // After the transaction, before the reboot: edits on the running system.
    writeFileSync(join(t.root, 'etc/b'), 'b edited on the running system\n');
    writeFileSync(join(t.root, 'etc/a'), 'a edited on the running system\n');
    writeFileSync(join(t.root, 'etc/late'), 'created after the transaction\n', { mode: 0o600 });
    await import('node:fs').then((fs) => fs.unlinkSync(join(t.root, 'etc/dropped')));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('lists the pending edits before the reboot', async () => {
    expect((await readBootStatus(t.system)).pendingEtcEdits).toEqual(await pendingEtcEdits(t.system));
    expect(await pendingEtcEdits(t.system)).toEqual({
      snapshot: 2,
      carried: ['/etc/b', '/etc/late', '/etc/dropped'],
      conflicts: ['/etc/a'],
    });
  });

  it('merges them at boot into snapshot 2 and reports the conflict', async () => {
    // What the boot of snapshot 1 recorded; then the reboot into 2.
    recordBooted(t.system.stateDir, 1);
    await t.rebootInto(2);
    recordBooted(t.system.stateDir, 2); // the CLI records the booted snapshot when it opens the system
    expect(t.system.booted).toBe(2);
    const report = await mergeEtcAtBoot(t.system);
    const etc = (name: string) => readFileSync(join(t.root, 'etc', name), 'utf8');
    expect(etc('b')).toBe('b edited on the running system\n');
    expect(etc('a')).toBe('a from the transaction\n');
    expect(etc('a.tu-running')).toBe('a edited on the running system\n');
    expect(etc('late')).toBe('created after the transaction\n');
    expect(existsSync(join(t.root, 'etc/dropped'))).toBe(false);
    expect(report).toMatchObject({ snapshot: 2, from: 1, merged: ['/etc/b', '/etc/late', '/etc/dropped'], conflicts: [{ path: '/etc/a', runningCopy: '/etc/a.tu-running' }] });
    expect(readEtcMergeReport(t.system)).toEqual(report);
    expect((await readBootStatus(t.system)).etcMerge?.conflicts).toEqual([{ path: '/etc/a', runningCopy: '/etc/a.tu-running' }]);
    // Once merged, the merge base is gone and a second boot changes nothing.
    expect(existsSync(t.system.store.paths(2).etcStart)).toBe(false);
    expect(await mergeEtcAtBoot(t.system)).toBeUndefined();
  });

  it("does not merge the running system's /etc into a snapshot whose /etc began from another one", async () => {
    // Snapshot 3 began from snapshot 1's /etc (as `-c 1` makes it while 2 runs): 2's own
    // /etc is not its ancestor, so 2's differences (here a file only 2 has) must stay out.
    await addSnapshot(t, 3, { base: 1, description: 'run true (-c 1)' });
    writeEtcStartOrigin(t.system.store.paths(3), 1);
    await setDefaultSnapshot(t.system, 3);
    writeFileSync(join(t.root, 'etc/only-on-2'), 'written on the running snapshot 2\n');
    expect(await pendingEtcEdits(t.system)).toBeUndefined();

    await t.rebootInto(3);
    recordBooted(t.system.stateDir, 3);
    expect(await mergeEtcAtBoot(t.system)).toBeUndefined();
    expect(existsSync(join(t.root, 'etc/only-on-2'))).toBe(false);
    const three = t.system.store.paths(3);
    expect(existsSync(three.etcStart)).toBe(false);
    expect(readEtcStartOrigin(three)).toBeUndefined();
  });
});
