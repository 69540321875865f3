/**
 * `shell`: the user's shell in the chroot. On a terminal a non-zero exit asks whether to
 * discard the snapshot (answering no keeps it: the wrapper then exits 0). $1 is "ask" on a
 * terminal.
 */
import type { ShellMode, TransactionStep } from './request.js';

export function shellStep(shell: ShellMode, number: number): TransactionStep {
  return {
    argv: ['/bin/sh', '-c', SHELL_WRAPPER, 'transactional-update-shell', shell.terminal ? 'ask' : 'no'],
    // The prompt says this is a new snapshot and which one. Debian's /etc/bash.bashrc replaces
    // PS1 but shows $debian_chroot in front of its own: "(transactional update 5)root@host:/# ".
    env: { PS1: `transactional update ${number}:\\w # `, debian_chroot: `transactional update ${number}` },
    label: 'shell',
    // On a terminal the discard question comes from inside the chroot: the shell's process
    // group holds the terminal, and ours may no longer read it once the shell has exited.
    chroot: { interactive: shell.terminal, stdinInherit: true, ignoreInterrupt: shell.terminal },
  };
}

const SHELL_WRAPPER = [
  'if command -v bash >/dev/null 2>&1; then bash; else /bin/sh; fi',
  'rc=$?',
  'if [ "$rc" -ne 0 ] && [ "$1" = ask ]; then',
  '  printf "The shell exited with %s. Discard the new snapshot? [Y/n] " "$rc" >&2',
  '  read -r answer || answer=y',
  '  case $answer in n|N|no|No|NO) exit 0 ;; esac',
  'fi',
  'exit "$rc"',
].join('\n');
