/**
 * pacman (Arch Linux). Arch does not support partial upgrades (refreshing the sync databases
 * and then installing without upgrading the rest: the new package may need newer libraries
 * than the installed ones). So:
 * - `pkg install` first refreshes and upgrades the system (`pacman -Syu`), then installs
 *   from the repositories (`-S --needed`) and local files (`-U`); together that is what Arch
 *   recommends, `pacman -Syu <pkg>`.
 * - `pkg remove` (`-Rs`: with the dependencies nothing else needs) does not refresh: a
 *   refresh without the upgrade is exactly the state a partial upgrade starts from.
 * - `pkg update <names>` is refused: updating some packages only is a partial upgrade.
 * - `up` → `pacman -Syu`; `dup` → `pacman -Syuu`, which also downgrades packages newer than
 *   the repositories' (the distro-sync of zypper dup and dnf distro-sync).
 * Non-interactive: `--noconfirm`. Exit codes: 0 success, 1 any failure (recorded in
 * fixtures/pkg/exit-codes/pacman.json).
 */
import { UsageError } from '../errors.js';
import { localPackageKind } from './arguments.js';
import { failure, packageCommand } from './command.js';
import { entryExists } from './rootPath.js';
import type { CommandOptions, ExitVerdict, PackageAction, PackageCommand, PackageManagerAdapter } from './types.js';

const PACMAN = 'pacman';

function pacman(options: CommandOptions, label: string, operation: string, ...rest: string[]): PackageCommand {
  const noConfirm = options.interactive ? [] : ['--noconfirm'];
  return packageCommand(label, [PACMAN, operation, ...noConfirm, ...rest]);
}

function upgradeSystem(options: CommandOptions, label = 'refresh package lists and update the system'): PackageCommand {
  return pacman(options, label, '-Syu');
}

function install(packages: string[], options: CommandOptions): PackageCommand[] {
  const files = packages.filter((p) => localPackageKind(p) === 'pacman');
  const names = packages.filter((p) => localPackageKind(p) !== 'pacman');
  const commands = [upgradeSystem(options)];
  if (names.length > 0) commands.push(pacman(options, 'install packages', '-S', '--needed', '--', ...names));
  if (files.length > 0) commands.push(pacman(options, 'install package files', '-U', '--', ...files));
  return commands;
}

export const pacmanAdapter: PackageManagerAdapter = {
  name: 'pacman',

  detect(root: string): boolean {
    return entryExists(root, 'usr/bin/pacman');
  },

  commands(action: PackageAction, options: CommandOptions): PackageCommand[] {
    switch (action.kind) {
      case 'install':
        return install(action.packages, options);
      case 'remove':
        return [pacman(options, 'remove packages', '-Rs', '--', ...action.packages)];
      case 'update':
        if (action.packages.length > 0) {
          throw new UsageError('pacman cannot update single packages: Arch Linux does not support partial upgrades', {
            hint: "run 'transactional-update up' to update the whole system",
          });
        }
        return [upgradeSystem(options, 'update packages')];
      case 'up':
        return [upgradeSystem(options, 'update the system')];
      case 'dup':
        return [pacman(options, 'distribution upgrade', '-Syuu')];
    }
  },

  interpretExit(_action: PackageAction, command: PackageCommand, exitCode: number): ExitVerdict {
    if (exitCode === 0) return { ok: true };
    return failure(command, exitCode);
  },
};
