/**
 * Which package manager a snapshot holds, from its own files. The order settles systems with
 * more than one installed (Debian can install zypper and dnf from its archive; openSUSE can
 * install dnf): the distribution's native manager comes first.
 */
import { TuError } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { aptAdapter } from './apt.js';
import { dnfAdapter } from './dnf.js';
import { pacmanAdapter } from './pacman.js';
import type { PackageManagerAdapter, PackageManagerName } from './types.js';
import { zypperAdapter } from './zypper.js';

export const adapters: readonly PackageManagerAdapter[] = [aptAdapter, zypperAdapter, dnfAdapter, pacmanAdapter];

export function adapterFor(name: PackageManagerName): PackageManagerAdapter {
  const adapter = adapters.find((a) => a.name === name);
  if (!adapter) throw new TuError(`unknown package manager ${name}`);
  return adapter;
}

export function detectPackageManager(root: string): PackageManagerAdapter {
  const adapter = adapters.find((a) => a.detect(root));
  if (!adapter) {
    throw new TuError(`no supported package manager found in ${escapeControl(root)}`, {
      hint: 'expected usr/bin/apt-get, usr/bin/zypper, usr/bin/dnf or usr/bin/pacman in the snapshot',
    });
  }
  return adapter;
}
