/**
 * rpm's database, read with the host's rpm (`--root` + `--dbpath`, never rpm's own default
 * path, which on a Debian host is not the system's). Epoch is shown only when set, as rpm
 * itself prints an EVR.
 */
import { run } from '../../util/exec.js';
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

/** The argv that lists a root's installed packages; dbPath is absolute inside the root. */
export function rpmQueryArgs(root: string, dbPath: string): string[] {
  return ['--root', root, '--dbpath', dbPath, '-qa', '--qf', RPM_QUERY_FORMAT];
}

export async function readRpmDatabase(root: string, dbPath: string): Promise<InstalledPackage[]> {
  const result = await run('rpm', rpmQueryArgs(root, dbPath), { env: { LC_ALL: 'C' } });
  return parseRpmQuery(result.stdout);
}
