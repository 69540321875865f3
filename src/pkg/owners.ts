/**
 * Which of a change's packages own a path: read from dpkg's file lists
 * (<dpkg dir>/info/<name>:<arch>.list, or <name>.list for packages of the native
 * architecture installed before multiarch) of the changed packages only, in the new snapshot
 * and in its base (a removed package's list is only in the base). Other package managers: no
 * owners (the paths alone are named).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findPackageDatabase } from './installed.js';

export function changedPackageOwners(roots: readonly string[], packages: ReadonlyArray<{ name: string; arch: string }>): (path: string) => string[] {
  const owners = new Map<string, Set<string>>();
  for (const root of roots) {
    const database = findPackageDatabase(root);
    if (database?.kind !== 'dpkg') continue;
    const info = join(root, dirname(database.statusFile), 'info');
    for (const { name, arch } of packages) {
      const text = readFirst([join(info, `${name}:${arch}.list`), join(info, `${name}.list`)]);
      if (text === undefined) continue;
      for (const line of text.split('\n')) {
        if (!line.startsWith('/')) continue;
        let set = owners.get(line);
        if (!set) owners.set(line, (set = new Set()));
        set.add(name);
      }
    }
  }
  return (path) => [...(owners.get(path) ?? [])];
}

function readFirst(paths: readonly string[]): string | undefined {
  for (const path of paths) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      // the next name
    }
  }
  return undefined;
}
