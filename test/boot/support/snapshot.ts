/**
 * A new snapshot made on the host the way the engine leaves one (root cloned from the base,
 * N/etc.start from the base's running /etc, a writable /etc, N/etc, read-only, our marker),
 * with a change applied in between. The boot test needs exact snapshots, not package runs.
 */
import { appendFileSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import * as btrfs from '../../../src/btrfs/btrfs.js';
import { IN_PROGRESS_KEY, MARKER_KEY } from '../../../src/snapshots/store.js';
import type { System } from '../../../src/snapshots/system.js';

export async function makeSnapshot(system: System, base: number, description: string, change: (root: string) => void): Promise<number> {
  const store = system.store;
  const n = store.reserve({ type: 'single', date: new Date(), description, cleanup: 'number', userdata: { [MARKER_KEY]: 'yes', [IN_PROGRESS_KEY]: 'yes' } });
  const b = store.paths(base);
  const p = store.paths(n);
  await btrfs.snapshotSubvolume(b.snapshot, p.snapshot, { readOnly: false });
  await btrfs.snapshotSubvolume(b.snapshotEtc, p.etcStart, { readOnly: true });
  rmdirSync(p.snapshotEtc);
  await btrfs.snapshotSubvolume(p.etcStart, p.snapshotEtc, { readOnly: false });
  change(p.snapshot);
  await btrfs.snapshotSubvolume(p.snapshotEtc, p.etc, { readOnly: true });
  await btrfs.setReadOnly(p.snapshot, true);
  store.updateUserdata(n, (ud) => {
    delete ud[IN_PROGRESS_KEY];
  });
  return n;
}

/** Mark a package as installed in the snapshot's dpkg database (the set differs from its base). */
export function addInstalledPackage(root: string, name: string, version: string): void {
  const status = join(root, 'usr/lib/sysimage/dpkg/status');
  const stanza = [`Package: ${name}`, 'Status: install ok installed', 'Priority: optional', 'Section: misc', 'Maintainer: Boot Test <boot@example.org>', 'Architecture: amd64', `Version: ${version}`, 'Description: boot test package', ''].join('\n');
  appendFileSync(status, `${readFileSync(status, 'utf8').endsWith('\n\n') ? '' : '\n'}${stanza}`);
}
