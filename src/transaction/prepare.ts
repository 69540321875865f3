/**
 * Step 1 (docs/architecture.md "A transaction, step by step", 1–3): refuse what cannot work, take the
 * lock, recover what an interrupted run left (./recovery.ts), choose the base and reserve number N. What prepare
 * returns is the open transaction: disposing of it releases the lock.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { BootedNotASnapshot, SnapshotIncomplete, SnapshotNotFoundError } from '../errors.js';
import { readManifest } from '../manifest/storeJson.js';
import { IN_PROGRESS_KEY, MARKER_KEY } from '../snapshots/store.js';
import { gatherOverview } from '../snapshots/overview.js';
import { defaultSnapshot, type System } from '../snapshots/system.js';
import { escapeControl } from '../util/escape.js';
import { log } from '../util/log.js';
import { acquireLock, type TransactionLock } from './lock.js';
import { checkFreeSpace, checkNamespaces, refuseNesting } from './preflight.js';
import { recoverCrashedTransactions } from './recovery.js';
import type { TransactionRequest } from './request.js';
import { scratchPrefix } from './scratch.js';

export interface OpenTransaction {
  number: number;
  base: number;
  startedAt: Date;
  /** Host directory bound at /run/transactional-update in the chroot (boot requests land here). */
  requestDir: string;
  /** Set the moment the first next-boot pointer names N: from then on nothing abandons it. */
  committed: boolean;
  lock: TransactionLock;
}

export async function prepare(system: System, request: TransactionRequest): Promise<OpenTransaction> {
  refuseNesting();
  await checkNamespaces();
  const lock = acquireLock(system.stateDir);
  try {
    await recoverCrashedTransactions(system);
    await checkFreeSpace(system.store.dir);
    const startedAt = new Date();
    const base = await chooseBase(system, request.continueFrom);
    await warnIfSuperseding(system, base);
    const number = system.store.reserve({
      type: 'single',
      date: startedAt,
      description: request.description,
      cleanup: 'number',
      userdata: { [MARKER_KEY]: 'yes', [IN_PROGRESS_KEY]: 'yes' },
    });
    log.step(`snapshot ${number}: ${request.description} (base ${base})`);
    const requestDir = mkdtempSync(join('/run', `${scratchPrefix('requests')}${number}-`));
    return { number, base, startedAt, requestDir, committed: false, lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function chooseBase(system: System, continueFrom: TransactionRequest['continueFrom']): Promise<number> {
  if (continueFrom === undefined) {
    if (system.booted === undefined) throw new BootedNotASnapshot();
    return system.booted;
  }
  const number = continueFrom === 'default' ? await defaultSnapshot(system) : continueFrom;
  if (number === undefined) throw new BootedNotASnapshot();
  if (!system.store.has(number)) throw new SnapshotNotFoundError(number);
  const record = system.store.read(number);
  if (!record.complete || record.inProgress) throw new SnapshotIncomplete(number);
  return number;
}

/** A newer, not yet booted next boot is superseded by a transaction from another base: say what it holds. */
async function warnIfSuperseding(system: System, base: number): Promise<void> {
  const pending = (await gatherOverview(system)).snapshots.find((s) => s.pending && s.number !== base);
  if (!pending) return;
  const packages = readManifest(system.store, pending.number)?.packages.map((p) => `${p.name} ${p.to ?? '(removed)'}`) ?? [];
  log.warn(
    `snapshot ${pending.number} (${escapeControl(pending.description)}) is the next boot and has not been booted; ` +
      `this transaction starts from ${base} and supersedes it` +
      (packages.length ? ` — it holds ${packages.slice(0, 10).join(', ')}${packages.length > 10 ? ', …' : ''}` : '') +
      '. Use --continue to keep its changes.',
  );
}
