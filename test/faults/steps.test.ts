/**
 * A transaction stopped at every step of src/transaction (FAULT_STEPS, through the test-only
 * TU_FAULT switch) by `kill -9` of the tool and by a thrown error, on a bootable image. After
 * every fault: the booted snapshot is unchanged; the next boot (GRUB's pointer, the one that
 * boots) is the old one or the new snapshot complete with its manifest and /etc; no chroot
 * process is left. After the next run (`cleanup`): both pointers agree, nothing is in progress
 * or half-made, no mount or scratch directory of the killed run is left, the lock is free,
 * `list` works and its index agrees with the manifests. Scratch mounts are removed by the next
 * run (src/transaction/scratch.ts), not by a private namespace: the kill -9 at grub-pointer
 * proves it, the top level is still mounted when the next run starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_STEPS, type FaultStep } from '../../src/transaction/faultPoint.js';
import { requireRootAndLoop } from '../support/requirements.js';
import {
  chrootProcessesAfter,
  completeSnapshot,
  indexDisagreements,
  isReadOnly,
  lastNumber,
  loopsOf,
  menuOffers,
  readPointers,
  scratchOf,
  snapshotNumbers,
  strayMounts,
} from './support/invariants.js';
import { openStepSystem, type RunResult, type StepSystem } from './support/stepSystem.js';

const skip = requireRootAndLoop(['sfdisk', 'mkfs.vfat', 'mcopy', 'grub-mkimage', 'grub-editenv', 'chattr']);
const COMMIT_POINT = FAULT_STEPS.indexOf('grub-pointer');
const committedAt = (step: FaultStep) => FAULT_STEPS.indexOf(step) >= COMMIT_POINT;

let sys: StepSystem;
/** The image's own loop devices (its partitions), attached by `image mount`. */
let loops: string[];
beforeAll(async () => {
  if (skip) return;
  sys = await openStepSystem();
  loops = await loopsOf(sys.image);
});
afterAll(async () => {
  await sys?.close();
});

interface Before {
  pointers: Awaited<ReturnType<typeof readPointers>>;
  numbers: number[];
}

async function before(): Promise<Before> {
  const pointers = await readPointers(sys.root);
  expect(pointers.grub, 'the pointers agree before the fault').toBe(pointers.btrfs);
  return { pointers, numbers: snapshotNumbers(sys.root) };
}

function transaction(step: string, fault: string): Promise<RunResult> {
  return sys.tu(['run', 'sh', '-c', `echo ${step} > /etc/tu-fault`], { TU_FAULT: `${step}:${fault}` });
}

/** What must hold right after the fault, before any other run. */
async function checkAfterFault(was: Before, step: FaultStep, result: RunResult): Promise<number> {
  const n = lastNumber(sys.root);
  expect(n).toBeGreaterThan(Math.max(...was.numbers));
  const now = await readPointers(sys.root);
  expect(now.booted, 'the booted snapshot is unchanged').toBe(was.pointers.booted);
  expect(await isReadOnly(`${sys.root}/.snapshots/${now.booted}/snapshot`)).toBe(true);
  // GRUB's pointer is the one that boots: the old next boot, or N complete.
  if (now.grub === n) {
    const complete = await completeSnapshot(sys.root, n);
    expect(complete.why.filter((w) => w !== 'in progress'), `snapshot ${n} is complete`).toEqual([]);
  } else {
    expect(now.grub, 'the next boot is the old one').toBe(was.pointers.grub);
  }
  expect(now.grub === n, `the commit point decides the next boot (${result.stderr})`).toBe(committedAt(step));
  expect(await chrootProcessesAfter(sys.root), 'no chroot process is left').toEqual([]);
  expect(result.stderr).not.toMatch(/internal error/);
  return n;
}

/** The next run repairs: cleanup. */
async function checkAfterNextRun(was: Before, step: FaultStep, n: number, killed: RunResult): Promise<void> {
  const cleanup = await sys.tu(['cleanup']);
  expect(cleanup.exitCode, `cleanup (the lock is free): ${cleanup.stderr}`).toBe(0);
  const now = await readPointers(sys.root);
  const expected = committedAt(step) ? n : was.pointers.grub;
  expect({ grub: now.grub, btrfs: now.btrfs }, 'both pointers agree on the next boot').toEqual({ grub: expected, btrfs: expected });
  expect(now.booted).toBe(was.pointers.booted);
  if (committedAt(step)) {
    expect((await completeSnapshot(sys.root, n)).why).toEqual([]);
    expect(await menuOffers(sys.root, n), 'the boot menu offers the new snapshot').toBe(true);
  } else {
    expect(snapshotNumbers(sys.root), 'the half-made snapshot is gone').not.toContain(n);
  }
  expect(scratchOf(killed.pid), 'no scratch of the failed run is left').toEqual({ paths: [], mounted: [] });
  expect(strayMounts(sys.root)).toEqual([]);
  expect(await loopsOf(sys.image), 'no loop device beyond the image\'s own').toEqual(loops);
  const list = await sys.tu(['list', '--json']);
  expect(list.exitCode, list.stderr).toBe(0);
  expect(indexDisagreements(sys.root, list.stdout)).toEqual([]);
  const inProgress = (JSON.parse(list.stdout) as Array<{ inProgress: boolean; number: number }>).filter((s) => s.inProgress);
  expect(inProgress).toEqual([]);
}

describe.skipIf(skip)('kill -9', () => {
  it.each(FAULT_STEPS)('%s', async (step) => {
    const was = await before();
    const result = await transaction(step, 'kill');
    expect(result.signal, result.stderr).toBe('SIGKILL');
    const n = await checkAfterFault(was, step, result);
    // What the kill left is there for the next run to remove (the proof that the next run,
    // not a namespace, takes the top-level mount away).
    const left = scratchOf(result.pid);
    if (step === 'grub-pointer') expect(left.mounted.length, 'the top level is still mounted after the kill').toBe(1);
    await checkAfterNextRun(was, step, n, result);
  });
});

describe.skipIf(skip)('thrown error', () => {
  it.each(FAULT_STEPS)('%s', async (step) => {
    const was = await before();
    const result = await transaction(step, 'throw');
    const n = await checkAfterFault(was, step, result);
    if (committedAt(step)) {
      expect(result.exitCode, result.stderr).toBe(0);
      const warnings = result.stderr.split('\n').filter((l) => l.startsWith('warning:') && l.includes(`injected fault at step ${step}`));
      expect(warnings, result.stderr).toHaveLength(1);
      expect(result.stderr).toContain(`Snapshot ${n} is the next boot`);
      // The same run finished what it could: both pointers on N.
      expect(await readPointers(sys.root)).toMatchObject({ grub: n, btrfs: n });
    } else {
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`transactional-update: injected fault at step ${step} (TU_FAULT)`);
      expect(snapshotNumbers(sys.root), 'the snapshot was abandoned at once').not.toContain(n);
    }
    await checkAfterNextRun(was, step, n, result);
  });
});

describe.skipIf(skip)('boot menu refresh fails after the pointers moved', () => {
  async function chattrGrub(flag: '+i' | '-i'): Promise<void> {
    const { withTopLevel } = await import('../../src/boot/topLevel.js');
    const { run } = await import('../../src/util/exec.js');
    await withTopLevel({ root: sys.root }, async (top) => {
      await run('chattr', [flag, `${top}/boot/grub`]);
    });
  }

  async function expectCommittedWithWarning(was: Before, result: RunResult): Promise<number> {
    const n = lastNumber(sys.root);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/internal error/);
    const warnings = result.stderr.split('\n').filter((l) => l.startsWith('warning:') && l.includes('refreshing the boot menu failed'));
    expect(warnings, result.stderr).toHaveLength(1);
    expect(warnings[0]).toContain(`snapshot ${n} is the next boot`);
    expect(await readPointers(sys.root)).toMatchObject({ grub: n, btrfs: n, booted: was.pointers.booted });
    expect((await completeSnapshot(sys.root, n)).why).toEqual([]);
    return n;
  }

  it('fault switch at boot-menu', async () => {
    const was = await before();
    const result = await transaction('boot-menu', 'throw');
    const n = await expectCommittedWithWarning(was, result);
    await checkAfterNextRun(was, 'boot-menu', n, result);
  });

  it('immutable GRUB directory (chattr +i boot/grub)', async () => {
    const was = await before();
    await chattrGrub('+i');
    let result: RunResult;
    try {
      result = await sys.tu(['run', 'sh', '-c', 'echo immutable > /etc/tu-fault']);
      const n = await expectCommittedWithWarning(was, result);
      expect(await menuOffers(sys.root, n), 'the old menu stays until the directory can be written').toBe(false);
    } finally {
      await chattrGrub('-i');
    }
    await checkAfterNextRun(was, 'boot-menu', lastNumber(sys.root), result);
  });
});
