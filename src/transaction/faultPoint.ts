/**
 * A test-only switch: `TU_FAULT=<step>:<kill|throw>` stops a transaction at a named step, by
 * SIGKILL of the tool itself or by a thrown error. Read here and nowhere else; unset (as on
 * every real system) it does nothing. The fault suite (test/faults/steps.test.ts) tries every
 * step of FAULT_STEPS with both faults.
 */
import { InjectedFault } from '../errors.js';

/** The steps of a transaction, in order; each names the moment just after it completed. */
export const FAULT_STEPS = [
  /** Lock held, crash leftovers recovered, pointers repaired, N reserved (info.xml in progress). */
  'prepare',
  /** N/snapshot, N/etc.start and the writable N/snapshot/etc exist. */
  'clone',
  /** The steps ran in the chroot; its namespace is gone. */
  'run',
  /** Our files taken out, N read-only, N/etc copied, the chroot's boot requests handled. */
  'seal',
  /** manifest.json written, the index not yet. */
  'manifest-json',
  /** The manifest indexed. */
  'manifest-index',
  /** GRUB's pointer moved — the commit point; the Btrfs default not yet. */
  'grub-pointer',
  /** Both pointers on N; its in-progress mark still set. */
  'btrfs-default',
  /** The in-progress mark cleared. */
  'commit',
  /** The boot menu refreshed. */
  'boot-menu',
  /** The reboot level recorded: the transaction is done. */
  'reboot-level',
] as const;

export type FaultStep = (typeof FAULT_STEPS)[number];

export function faultPoint(step: FaultStep, env: NodeJS.ProcessEnv = process.env): void {
  const wanted = env.TU_FAULT;
  if (wanted === undefined || wanted === '') return;
  const [name, how] = wanted.split(':');
  if (name !== step) return;
  if (how === 'kill') process.kill(process.pid, 'SIGKILL');
  throw new InjectedFault(step);
}
