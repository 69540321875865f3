/**
 * Closing a transaction (DESIGN.md steps 9 and 10): manifest, in-progress mark cleared, next
 * boot, then what the boot loader and the reboot policy want. The engine knows none of those
 * modules; the CLI composes them as hooks.
 */
import type { FileChange, Provenance } from '../manifest/types.js';
import type { ChrootFacts } from '../chroot/plan.js';
import { IN_PROGRESS_KEY } from '../snapshots/store.js';
import { setDefaultSnapshot, type System } from '../snapshots/system.js';
import { log } from '../util/log.js';
import type { Supplements } from './supplements.js';

export interface CloseInput {
  number: number;
  base: number;
  requestDir: string;
  provenance: Provenance;
  rebootNeeded: boolean;
  /** Files the transaction wrote to shared subvolumes (they do not roll back). */
  sharedWrites: FileChange[];
}

export interface TransactionHooks {
  /** Before the snapshot is taken (e.g. say what a superseded pending snapshot holds). */
  beforeStart?(system: System, base: number): Promise<void>;
  /** Files to bind over paths in the chroot (boot loader stubs); may add supplements. */
  chrootStubs?(snapshotRoot: string, supplements: Supplements, stubDir: string): ChrootFacts['binds'];
  /** Compute and store the manifest (must finish before the snapshot becomes the default). */
  writeManifest?(system: System, input: CloseInput): Promise<void>;
  /** Act on what the chroot recorded (update-grub, initrd requests) after teardown. */
  afterTeardown?(system: System, input: CloseInput): Promise<void>;
  /** Make the snapshot the next boot; default: the btrfs default subvolume only. */
  setNextBoot?(system: System, number: number): Promise<void>;
  /** After the snapshot is the next boot: menu, reboot level, reboot policy. */
  afterCommit?(system: System, input: CloseInput): Promise<void>;
}

export async function closeSnapshot(system: System, input: CloseInput, hooks: TransactionHooks): Promise<void> {
  await hooks.writeManifest?.(system, input);
  await hooks.afterTeardown?.(system, input);
  system.store.updateUserdata(input.number, (ud) => {
    delete ud[IN_PROGRESS_KEY];
  });
  await (hooks.setNextBoot ? hooks.setNextBoot(system, input.number) : setDefaultSnapshot(system, input.number));
  log.step(`snapshot ${input.number} is the next boot`);
  await hooks.afterCommit?.(system, input);
}
