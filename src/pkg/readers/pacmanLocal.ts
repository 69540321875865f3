/**
 * pacman's local database: one directory per installed package, `<name>-<version>/desc`,
 * sections `%NAME%`, `%VERSION%`, `%ARCH%`, … each followed by its lines and a blank line.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRegularFile } from '../rootPath.js';
import type { InstalledPackage } from '../types.js';

/** Parse one desc file into its sections (name without the % signs → lines). */
export function parseDescSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^%([A-Z0-9]+)%$/.exec(line);
    if (header) {
      current = [];
      sections.set(header[1]!, current);
    } else if (line === '') {
      current = undefined;
    } else {
      current?.push(line);
    }
  }
  return sections;
}

export function parsePacmanDesc(text: string): InstalledPackage | undefined {
  const sections = parseDescSections(text);
  const name = sections.get('NAME')?.[0];
  const version = sections.get('VERSION')?.[0];
  if (!name || !version) return undefined;
  return { name, arch: sections.get('ARCH')?.[0] ?? '', version };
}

/** Read every package of a local database directory (absolute path). */
export async function readPacmanLocal(localDir: string): Promise<InstalledPackage[]> {
  const entries = await readdir(localDir, { withFileTypes: true });
  const packages: InstalledPackage[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !isRegularFile(localDir, `${entry.name}/desc`)) continue;
    let text: string;
    try {
      text = await readFile(join(localDir, entry.name, 'desc'), 'utf8');
    } catch {
      continue; // an entry pacman itself left half-written: no desc, no package
    }
    const pkg = parsePacmanDesc(text);
    if (pkg) packages.push(pkg);
  }
  return packages;
}
