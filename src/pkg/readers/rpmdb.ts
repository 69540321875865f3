/**
 * rpm's database, read with the host's rpm. rpm is never pointed at the snapshot itself:
 * even a query opens the sqlite database for writing (it creates rpmdb.sqlite-shm and -wal
 * beside it), which fails on a read-only snapshot and would otherwise write into the snapshot
 * being described (both seen with rpm 4.18). So the database files are copied to a private
 * temporary directory and queried there with --dbpath. Epoch is shown only when set, as rpm
 * itself prints an EVR.
 */
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TuError } from '../../errors.js';
import { commandExists, run } from '../../util/exec.js';
import { isRegularFile } from '../rootPath.js';
import type { InstalledPackage } from '../types.js';

export const RPM_QUERY_FORMAT = '%{NAME}\\t%{ARCH}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n';

/** Parse the output of `rpm -qa --qf RPM_QUERY_FORMAT`. */
export function parseRpmQuery(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [name, arch, version] = line.split('\t');
    if (!name || arch === undefined || !version) continue;
    packages.push({ name, arch, version });
  }
  return packages;
}

/** The argv that lists the packages of the database in dbDir (a host path). */
export function rpmQueryArgs(dbDir: string): string[] {
  return ['--dbpath', dbDir, '-qa', '--qf', RPM_QUERY_FORMAT];
}

/** Copy the regular files of a database directory (sqlite, ndb or bdb files alike). */
async function copyDatabase(source: string, target: string): Promise<void> {
  for (const entry of await readdir(source, { withFileTypes: true })) {
    if (entry.isFile() && isRegularFile(source, entry.name)) await copyFile(join(source, entry.name), join(target, entry.name));
  }
}

/** The packages of the rpm database at dbPath (absolute inside root). */
export async function readRpmDatabase(root: string, dbPath: string): Promise<InstalledPackage[]> {
  if (!(await commandExists('rpm'))) {
    throw new TuError('reading an rpm package database needs the rpm program on this host', { hint: 'install rpm' });
  }
  const copy = await mkdtemp(join(tmpdir(), 'tu-rpmdb-'));
  try {
    await copyDatabase(join(root, dbPath), copy);
    const result = await run('rpm', rpmQueryArgs(copy), { env: { LC_ALL: 'C' } });
    return parseRpmQuery(result.stdout);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}
