/**
 * dnf (Fedora, RHEL and relatives; dnf 4 and dnf5 take the same options used here).
 * Non-interactive is `-y` (assume yes). `pkg update <names>` and `up` → `dnf upgrade`;
 * `dup` → `dnf distro-sync` (also downgrades to what the repositories hold, like zypper dup).
 * Exit codes (dnf(8) "Return values"): 0 success, 1 an error handled by dnf, 3 an unknown
 * unhandled error, 100 only from check-update, 200 a problem with locks; an unknown option
 * exits 2 (argparse; recorded in fixtures/pkg/exit-codes/dnf.json).
 */
import { failure, packageCommand } from './command.js';
import { entryExists } from './rootPath.js';
import type { CommandOptions, ExitVerdict, PackageAction, PackageCommand, PackageManagerAdapter } from './types.js';

const DNF = 'dnf';

const ERRORS: Record<number, string> = {
  1: 'an error, see its output above',
  2: 'invalid command line',
  3: 'an unknown unhandled error',
  100: 'unexpected outside check-update',
  200: 'a problem acquiring or releasing its locks',
};

function dnf(options: CommandOptions, label: string, ...rest: string[]): PackageCommand {
  const assumeYes = options.interactive ? [] : ['-y'];
  return packageCommand(label, [DNF, ...assumeYes, ...rest]);
}

function mainCommand(action: PackageAction, options: CommandOptions): PackageCommand {
  switch (action.kind) {
    case 'install':
      return dnf(options, 'install packages', 'install', '--', ...action.packages);
    case 'remove':
      return dnf(options, 'remove packages', 'remove', '--', ...action.packages);
    case 'update':
      return action.packages.length > 0
        ? dnf(options, 'update packages', 'upgrade', '--', ...action.packages)
        : dnf(options, 'update packages', 'upgrade');
    case 'up':
      return dnf(options, 'update the system', 'upgrade');
    case 'dup':
      return dnf(options, 'distribution upgrade', 'distro-sync');
  }
}

export const dnfAdapter: PackageManagerAdapter = {
  name: 'dnf',

  detect(root: string): boolean {
    return entryExists(root, 'usr/bin/dnf');
  },

  commands(action: PackageAction, options: CommandOptions): PackageCommand[] {
    return [dnf(options, 'refresh package lists', 'makecache'), mainCommand(action, options)];
  },

  interpretExit(_action: PackageAction, command: PackageCommand, exitCode: number): ExitVerdict {
    if (exitCode === 0) return { ok: true };
    return failure(command, exitCode, ERRORS[exitCode]);
  },
};
