/** Gathers what SnapshotStore.delete must refuse (./deletionGuard.ts) from the running system. */
import { lastKnownGood } from '../boot/state.js';
import type { ProtectedSnapshots } from './deletionGuard.js';
import { defaultSnapshot, type System } from './system.js';

export type { ProtectedSnapshots } from './deletionGuard.js';

export async function protectedSnapshots(system: System): Promise<ProtectedSnapshots> {
  return {
    default: await defaultSnapshot(system),
    booted: system.booted,
    knownGood: lastKnownGood(system.stateDir, (n) => system.store.has(n)),
  };
}
