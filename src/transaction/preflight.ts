/** Checks before a transaction starts: no nesting, namespaces and mounts work, enough space. */
import { mkdirSync, readFileSync, readlinkSync, statfsSync, writeFileSync } from 'node:fs';
import { NamespacesUnavailable, NestedTransaction, NotEnoughSpace } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import * as btrfs from '../btrfs/btrfs.js';
import { run } from '../util/exec.js';

export const MIN_DATA_FREE = 512 * 1024 ** 2;
export const MIN_METADATA_FREE = 64 * 1024 ** 2;

export function refuseNesting(env: NodeJS.ProcessEnv = process.env): void {
  if (env.TRANSACTIONAL_UPDATE) throw new NestedTransaction();
}

/** Where a probe that passed is remembered: /run is empty after every boot. */
export const NAMESPACE_PROBE_FILE = '/run/transactional-update/namespaces-probed';

/**
 * What decides whether the probe passes, as text: the boot, the namespaces this process is in,
 * and what may restrict it (capabilities, seccomp, no_new_privs, the LSM label). Undefined when
 * any of it cannot be read (then the probe runs every time).
 */
export function namespaceIdentity(): string | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .filter((l) => /^(Cap(Eff|Bnd)|NoNewPrivs|Seccomp(_filters)?):/.test(l));
    let label = '';
    try {
      label = readFileSync('/proc/self/attr/current', 'utf8').trim();
    } catch {
      // No LSM that labels processes.
    }
    return [
      `boot ${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}`,
      ...['mnt', 'pid', 'user', 'cgroup'].map((ns) => readlinkSync(`/proc/self/ns/${ns}`)),
      ...status,
      `label ${label}`,
      '',
    ].join('\n');
  } catch {
    return undefined;
  }
}

/**
 * Refuse where the tool cannot work, saying which facility is missing — never because a
 * container was merely detected (our own machines look like containers). A probe that passed
 * is not repeated while nothing it depends on changed (namespaceIdentity).
 */
export async function checkNamespaces(): Promise<void> {
  const identity = namespaceIdentity();
  if (identity !== undefined && readProbed() === identity) return;
  const probe = await run('unshare', ['--mount', '--pid', '--fork', '--propagation', 'private', '--', 'mount', '-t', 'tmpfs', 'tu-probe', '/mnt'], { reject: false });
  if (probe.exitCode !== 0) {
    const what = /unshare failed/.test(probe.stderr) ? 'create mount and PID namespaces' : 'mount file systems in a new namespace';
    throw new NamespacesUnavailable(what, probe.stderr);
  }
  if (identity === undefined) return;
  try {
    mkdirSync('/run/transactional-update', { recursive: true, mode: 0o755 });
    writeFileSync(NAMESPACE_PROBE_FILE, identity, { mode: 0o644 });
  } catch {
    // Not remembered: the next run probes again.
  }
}

function readProbed(): string | undefined {
  try {
    return readFileSync(NAMESPACE_PROBE_FILE, 'utf8');
  } catch {
    return undefined;
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

/**
 * Enough room to start? A snapshot deleted just before (a failed transaction on a full disk)
 * still holds its space until btrfs's cleaner has run: when short, wait for it and look again.
 */
export async function checkFreeSpace(path: string): Promise<void> {
  let space = await btrfs.freeSpace(path);
  if (!judgeSpace(space).ok) {
    await btrfs.reclaimDeletedSubvolumes(path);
    space = await btrfs.freeSpace(path);
  }
  const verdict = judgeSpace(space);
  if (!verdict.ok) {
    const parts = [];
    if (verdict.missingData) parts.push(`${mib(verdict.missingData)} of data space`);
    if (verdict.missingMetadata) parts.push(`${mib(verdict.missingMetadata)} of metadata space`);
    throw new NotEnoughSpace(
      `not enough free space: ${parts.join(' and ')} missing on the file system of ${escapeControl(path)} ` +
        `(${mib(Math.max(0, space.dataFree))} of data and ${mib(Math.max(0, space.metadataFree))} of metadata free; ` +
        `a transaction starts with at least ${mib(MIN_DATA_FREE)} and ${mib(MIN_METADATA_FREE)})`,
    );
  }
}

/** Free space below this while a step ran: the step failed because the disk was full. */
export const FULL_BELOW = 32 * 1024 ** 2;
const WATCH_INTERVAL_MS = 200;

export interface SpaceWatch extends Disposable {
  /** The least free space seen (bytes), looking once more now. */
  lowest(): number;
  /**
   * After a failed step: when the disk ran full while it ran, throw NotEnoughSpace saying so
   * (`failure`: what failed, `outcome`: what became of the snapshot); otherwise return.
   */
  throwIfRanOut(failure: string, outcome: string, exitCode?: number): void;
}

/**
 * Watch the free space of the file system holding `path` while steps run. A package manager
 * that hit ENOSPC cleans up after itself (dpkg removes what it unpacked), and the command's
 * exit code is all the engine sees: the lowest free space seen says whether the disk was full.
 * statfs is one cheap system call; looked at every 200 ms and once more when a step failed.
 */
export function watchFreeSpace(path: string): SpaceWatch {
  let lowest = Number.POSITIVE_INFINITY;
  const look = () => {
    try {
      const s = statfsSync(path);
      lowest = Math.min(lowest, s.bavail * s.bsize);
    } catch {
      // Gone (the snapshot deleted) or not a file system we can ask: no reading.
    }
  };
  look();
  const timer = setInterval(look, WATCH_INTERVAL_MS);
  timer.unref();
  const watch: SpaceWatch = {
    lowest() {
      look();
      return lowest;
    },
    throwIfRanOut(failure, outcome, exitCode) {
      const seen = watch.lowest();
      if (seen >= FULL_BELOW) return;
      throw new NotEnoughSpace(`${failure}: the file system of ${escapeControl(path)} ran out of space (${mib(seen)} free at the lowest); ${outcome}`, {
        ...(exitCode !== undefined ? { exitCode } : {}),
      });
    },
    [Symbol.dispose]() {
      clearInterval(timer);
    },
  };
  return watch;
}

function mib(bytes: number): string {
  return `${Math.ceil(bytes / 1024 ** 2)} MiB`;
}
