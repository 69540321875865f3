/**
 * zypper (openSUSE, SLE). `--non-interactive` is a global option and goes before the command.
 * Exit codes, from zypper(8) "EXIT CODES" (zypper 1.14.42, recorded cases in
 * fixtures/pkg/exit-codes/zypper.json), and what openSUSE's transactional-update makes of them:
 *   0 ok · 1-8 errors · 100/101 only from patch-check · 102 success, reboot needed ·
 *   103 success, but zypper updated itself and the command must run again for the rest ·
 *   104 a name or capability not found · 105 interrupted by SIGINT/SIGTERM ·
 *   106 success with repositories skipped (failed to refresh) — a failure for `dup`, which
 *       must not compute a distribution upgrade from an incomplete set of repositories ·
 *   107 installed, but a package's %post script failed — a failure: openSUSE discards such
 *       a snapshot (openSUSE/transactional-update issue #45) and so do we; `--keep` keeps it.
 */
import { failure, packageCommand } from './command.js';
import { entryExists } from './rootPath.js';
import type { CommandOptions, ExitVerdict, PackageAction, PackageCommand, PackageManagerAdapter } from './types.js';

const ZYPPER = 'zypper';

const ERRORS: Record<number, string> = {
  1: 'ZYPPER_EXIT_ERR_BUG: an unexpected situation',
  2: 'ZYPPER_EXIT_ERR_SYNTAX: invalid command, option or syntax',
  3: 'ZYPPER_EXIT_ERR_INVALID_ARGS: invalid arguments',
  4: 'ZYPPER_EXIT_ERR_ZYPP: a problem reported by libzypp',
  5: 'ZYPPER_EXIT_ERR_PRIVILEGES: insufficient privileges',
  6: 'ZYPPER_EXIT_NO_REPOS: no repositories are defined',
  7: 'ZYPPER_EXIT_ZYPP_LOCKED: libzypp is locked by another program',
  8: 'ZYPPER_EXIT_ERR_COMMIT: an error while installing or removing packages',
  100: 'ZYPPER_EXIT_INF_UPDATE_NEEDED: unexpected outside patch-check',
  101: 'ZYPPER_EXIT_INF_SEC_UPDATE_NEEDED: unexpected outside patch-check',
  104: 'ZYPPER_EXIT_INF_CAP_NOT_FOUND: a package or capability was not found',
  105: 'ZYPPER_EXIT_ON_SIGNAL: interrupted by a signal',
  106: 'ZYPPER_EXIT_INF_REPOS_SKIPPED: some repositories failed to refresh, and dup needs all of them',
  107: 'ZYPPER_EXIT_INF_RPM_SCRIPT_FAILED: a package script failed',
};

export const ZYPPER_EXIT = {
  OK: 0,
  REBOOT_NEEDED: 102,
  RESTART_NEEDED: 103,
  REPOS_SKIPPED: 106,
} as const;

function zypper(options: CommandOptions, label: string, ...rest: string[]): PackageCommand {
  const global = options.interactive ? [] : ['--non-interactive'];
  return packageCommand(label, [ZYPPER, ...global, ...rest]);
}

function mainCommand(action: PackageAction, options: CommandOptions): PackageCommand {
  switch (action.kind) {
    case 'install':
      return zypper(options, 'install packages', 'in', '--', ...action.packages);
    case 'remove':
      return zypper(options, 'remove packages', 'rm', '--', ...action.packages);
    case 'update':
      return action.packages.length > 0
        ? zypper(options, 'update packages', 'up', '--', ...action.packages)
        : zypper(options, 'update packages', 'up');
    case 'up':
      return zypper(options, 'update the system', 'up');
    case 'dup':
      return zypper(options, 'distribution upgrade', 'dup');
  }
}

export const zypperAdapter: PackageManagerAdapter = {
  name: 'zypper',

  detect(root: string): boolean {
    return entryExists(root, 'usr/bin/zypper');
  },

  commands(action: PackageAction, options: CommandOptions): PackageCommand[] {
    return [zypper(options, 'refresh package lists', 'refresh'), mainCommand(action, options)];
  },

  interpretExit(action: PackageAction, command: PackageCommand, exitCode: number): ExitVerdict {
    switch (exitCode) {
      case ZYPPER_EXIT.OK:
        return { ok: true };
      case ZYPPER_EXIT.REBOOT_NEEDED:
        return { ok: true, rebootNeeded: true };
      case ZYPPER_EXIT.RESTART_NEEDED:
        return { ok: true, message: 'zypper updated itself; run the update again to install the remaining updates' };
      case ZYPPER_EXIT.REPOS_SKIPPED:
        if (action.kind === 'dup') return failure(command, exitCode, ERRORS[106]);
        return { ok: true, message: 'some repositories failed to refresh and were skipped; check them with zypper ref' };
      default:
        return failure(command, exitCode, ERRORS[exitCode]);
    }
  },
};
