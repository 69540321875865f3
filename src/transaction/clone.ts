/**
 * Step 2: N/snapshot, a writable snapshot of the base's root. /etc, a nested subvolume, is not
 * part of a btrfs snapshot, so the clone copies it apart:
 *
 *  - N/snapshot/etc, writable: the base's /etc as it is now. For the booted base the running
 *    /etc (hand edits made before are carried in); for another base (--continue) its own
 *    nested /etc, the one booting it would give, with what was edited and merged there while
 *    it ran (the base's N/etc is only what its transaction left).
 *  - N/etc.start, read-only: the merge base for the /etc edits made on the running system
 *    after the transaction, merged in at boot. It is the /etc N began with, except with
 *    --continue on a snapshot that has not booted yet: that one's etc.start stays the merge
 *    base, since the running system's later edits are relative to it. Which snapshot's /etc
 *    it was taken from is recorded beside it (etcStartOrigin.ts): the merge happens only
 *    when that snapshot is the one that ran before N.
 *
 * The root and etc.start are made at the same time: btrfs creates snapshots asked for together
 * in one transaction commit.
 */
import { existsSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import * as btrfs from '../btrfs/btrfs.js';
import { isSubvolumeRoot } from '../btrfs/subvolume.js';
import { readEtcStartOrigin, writeEtcStartOrigin } from '../snapshots/etcStartOrigin.js';
import type { System } from '../snapshots/system.js';
import { allSettled } from '../util/settled.js';

export interface ClonedEtc {
  /** A read-only subvolume with the /etc N began with: what N's own /etc changes are measured from. */
  began: string;
  /** N/etc.start is that /etc: edits made before, outside a transaction, are told apart from N's own. */
  startIsBeginning: boolean;
}

export async function clone(system: System, base: number, number: number): Promise<ClonedEtc> {
  const from = system.store.paths(base);
  const to = system.store.paths(number);
  const booted = base === system.booted;
  const baseEtc = booted ? join(system.root, 'etc') : isSubvolumeRoot(from.snapshotEtc) ? from.snapshotEtc : from.etc;
  // A snapshot that has not booted has never had its nested /etc changed since its N/etc was copied.
  const pendingBase = !booted && existsSync(from.etcStart);
  await allSettled([
    btrfs.snapshotSubvolume(from.snapshot, to.snapshot, { readOnly: false }),
    btrfs.snapshotSubvolume(pendingBase ? from.etcStart : baseEtc, to.etcStart, { readOnly: true }),
  ]);
  const origin = pendingBase ? readEtcStartOrigin(from) : base;
  if (origin !== undefined) writeEtcStartOrigin(to, origin);
  if (existsSync(to.snapshotEtc)) rmdirSync(to.snapshotEtc);
  await btrfs.snapshotSubvolume(booted ? to.etcStart : baseEtc, to.snapshotEtc, { readOnly: false });
  return pendingBase ? { began: from.etc, startIsBeginning: false } : { began: to.etcStart, startIsBeginning: true };
}
