/**
 * The snapshots deletion never touches: the next boot (the Btrfs default), the booted one and
 * the last known-good one (where a failing boot falls back to). SnapshotStore.delete checks
 * them itself, before it changes anything — not left to btrfs refusing the default after the
 * snapshot's /etc is already gone. protectedSnapshots() (./protected.ts) gathers them.
 */
import { SnapshotProtected } from '../errors.js';

export interface ProtectedSnapshots {
  default: number | undefined;
  booted: number | undefined;
  knownGood: number | undefined;
}

export function refuseProtected(number: number, guard: ProtectedSnapshots): void {
  if (number === guard.default) throw new SnapshotProtected(number, 'the next boot');
  if (number === guard.booted) throw new SnapshotProtected(number, 'booted');
  if (number === guard.knownGood) throw new SnapshotProtected(number, 'the known-good snapshot');
}
