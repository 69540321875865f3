/** Checks before a transaction starts: no nesting, namespaces and mounts work, enough space. */
import { NamespacesUnavailable, NestedTransaction, NotEnoughSpace } from '../errors.js';
import * as btrfs from '../btrfs/btrfs.js';
import { run } from '../util/exec.js';

export const MIN_DATA_FREE = 512 * 1024 ** 2;
export const MIN_METADATA_FREE = 64 * 1024 ** 2;

export function refuseNesting(env: NodeJS.ProcessEnv = process.env): void {
  if (env.TRANSACTIONAL_UPDATE) throw new NestedTransaction();
}

/**
 * Refuse where the tool cannot work, saying which facility is missing — never because a
 * container was merely detected (our own machines look like containers).
 */
export async function checkNamespaces(): Promise<void> {
  const probe = await run('unshare', ['--mount', '--pid', '--fork', '--propagation', 'private', '--', 'mount', '-t', 'tmpfs', 'tu-probe', '/mnt'], { reject: false });
  if (probe.exitCode !== 0) {
    const what = /unshare failed/.test(probe.stderr) ? 'create mount and PID namespaces' : 'mount file systems in a new namespace';
    throw new NamespacesUnavailable(what, probe.stderr);
  }
}

export interface SpaceVerdict {
  ok: boolean;
  missingData: number;
  missingMetadata: number;
}

export function judgeSpace(space: btrfs.SpaceReport, need = { data: MIN_DATA_FREE, metadata: MIN_METADATA_FREE }): SpaceVerdict {
  const missingData = Math.max(0, need.data - space.dataFree);
  const missingMetadata = Math.max(0, need.metadata - space.metadataFree);
  return { ok: missingData === 0 && missingMetadata === 0, missingData, missingMetadata };
}

export async function checkFreeSpace(path: string): Promise<void> {
  const verdict = judgeSpace(await btrfs.freeSpace(path));
  if (!verdict.ok) throw new NotEnoughSpace(verdict.missingData, verdict.missingMetadata);
}
