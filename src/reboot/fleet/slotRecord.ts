/**
 * The node's own note that it took a reboot slot: <stateDir>/fleet-slot.json
 * {"group","id","since","snapshot"}. It survives the reboot (the state directory never
 * rolls back), so the post-boot step knows when the slot was taken whatever the protocol.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomicWrite.js';

export interface SlotRecord {
  group: string;
  id: string;
  since: string;
  snapshot: number | null;
}

export const SLOT_FILE = 'fleet-slot.json';

export function writeSlotRecord(stateDir: string, record: SlotRecord): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileAtomic(join(stateDir, SLOT_FILE), `${JSON.stringify(record)}\n`);
}

/** The record, or undefined when there is none (or it is unreadable: it is only a hint). */
export function readSlotRecord(stateDir: string): SlotRecord | undefined {
  try {
    const data = JSON.parse(readFileSync(join(stateDir, SLOT_FILE), 'utf8')) as Partial<SlotRecord>;
    if (typeof data.id !== 'string' || typeof data.since !== 'string' || Number.isNaN(Date.parse(data.since))) return undefined;
    return { group: String(data.group ?? ''), id: data.id, since: data.since, snapshot: typeof data.snapshot === 'number' ? data.snapshot : null };
  } catch {
    return undefined;
  }
}

export function removeSlotRecord(stateDir: string): void {
  rmSync(join(stateDir, SLOT_FILE), { force: true });
}
