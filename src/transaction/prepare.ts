/**
 * Step 1 (docs/architecture.md "A transaction, step by step", 1–3): refuse what cannot work, take the
 * lock, recover what an interrupted run left (./recovery.ts), choose the base and reserve number N. What prepare
 * returns is the open transaction: disposing of it releases the lock.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootedNotASnapshot, SnapshotIncomplete, SnapshotNotFoundError } from '../errors.js';
import { readManifest } from '../manifest/storeJson.js';
import { holdTopLevel, type HeldTopLevel } from '../boot/topLevel.js';
import { hasBooted, readBootHistory } from '../snapshots/bootHistory.js';
import { parseInfo } from '../snapshots/infoXml.js';
import { IN_PROGRESS_KEY, MARKER_KEY } from '../snapshots/store.js';
import type { System } from '../snapshots/system.js';
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
  /** Set when the commit set the Btrfs default to N. */
  defaultSet?: boolean;
  lock: TransactionLock;
  /** The Btrfs top level, mounted once for the run (pointer repair, the commit, the menu). */
  topLevel: HeldTopLevel;
  /** The Btrfs default when the run started (after crash recovery). */
  nextBootBefore: number | undefined;
}

export async function prepare(system: System, request: TransactionRequest): Promise<OpenTransaction> {
  refuseNesting();
  await checkNamespaces();
  const lock = acquireLock(system.stateDir);
  let topLevel: HeldTopLevel | undefined;
  try {
    topLevel = await holdTopLevel(system);
    const { next } = await recoverCrashedTransactions(system, { onlyNew: true });
    await checkFreeSpace(system.store.dir);
    const startedAt = new Date();
    const base = chooseBase(system, request.continueFrom, next);
    warnIfSuperseding(system, base, next);
    const number = system.store.reserve({
      type: 'single',
      date: startedAt,
      description: request.description,
      cleanup: 'number',
      userdata: { [MARKER_KEY]: 'yes', [IN_PROGRESS_KEY]: 'yes' },
    });
    log.step(`snapshot ${number}: ${request.description} (base ${base})`);
    const requestDir = mkdtempSync(join('/run', `${scratchPrefix('requests')}${number}-`));
    return { number, base, startedAt, requestDir, committed: false, lock, topLevel, nextBootBefore: next };
  } catch (error) {
    try {
      await topLevel?.release();
    } finally {
      lock.release();
    }
    throw error;
  }
}

function chooseBase(system: System, continueFrom: TransactionRequest['continueFrom'], nextBoot: number | undefined): number {
  if (continueFrom === undefined) {
    if (system.booted === undefined) throw new BootedNotASnapshot();
    return system.booted;
  }
  const number = continueFrom === 'default' ? nextBoot : continueFrom;
  if (number === undefined) throw new BootedNotASnapshot();
  if (!system.store.has(number)) throw new SnapshotNotFoundError(number);
  const record = system.store.read(number);
  if (!record.complete || record.inProgress) throw new SnapshotIncomplete(number);
  return number;
}

/**
 * A newer, not yet booted next boot is superseded by a transaction from another base: say what
 * it holds. Pending is what `list` calls it: the default, not booted now nor ever before.
 */
function warnIfSuperseding(system: System, base: number, nextBoot: number | undefined): void {
  if (nextBoot === undefined || nextBoot === base || nextBoot === system.booted || !system.store.has(nextBoot)) return;
  if (hasBooted(readBootHistory(system.stateDir), nextBoot)) return;
  const pending = { number: nextBoot, description: descriptionOf(system, nextBoot) };
  const packages = readManifest(system.store, pending.number)?.packages.map((p) => `${p.name} ${p.to ?? '(removed)'}`) ?? [];
  log.warn(
    `snapshot ${pending.number} (${escapeControl(pending.description)}) is the next boot and has not been booted; ` +
      `this transaction starts from ${base} and supersedes it` +
      (packages.length ? ` — it holds ${packages.slice(0, 10).join(', ')}${packages.length > 10 ? ', …' : ''}` : '') +
      '. Use --continue to keep its changes.',
  );
}

function descriptionOf(system: System, number: number): string {
  try {
    return parseInfo(readFileSync(system.store.paths(number).info, 'utf8')).description;
  } catch {
    return '';
  }
}
