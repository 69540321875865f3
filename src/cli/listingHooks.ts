/**
 * What listings and rollbacks get from the manifest and boot modules: a summary per snapshot,
 * a rollback preview, status lines, and how the next boot is set.
 */
import type { Overview } from '../snapshots/overview.js';
import { setDefaultSnapshot, type System } from '../snapshots/system.js';

export interface ListingHooks {
  summary(number: number): { text: string; data: unknown } | undefined;
  rollbackPreview(from: number | undefined, to: number): Promise<string[]>;
  status(overview: Overview): Promise<{ lines: string[]; data: Record<string, unknown> }>;
  setNextBoot(number: number): Promise<void>;
  afterRemoval(): Promise<void>;
}

export async function listingHooks(system: System): Promise<ListingHooks> {
  return {
    summary: () => undefined,
    rollbackPreview: async () => [],
    status: async () => ({ lines: [], data: {} }),
    setNextBoot: (number) => setDefaultSnapshot(system, number),
    afterRemoval: async () => undefined,
  };
}
