/**
 * The words that name a command (names and aliases), known before commander is loaded: the
 * launcher keys its code cache by them. A unit test keeps this list equal to the program's.
 */
export const COMMAND_WORDS: ReadonlySet<string> = new Set([
  'pkg', 'up', 'update', 'dup', 'dist-upgrade', 'run', 'shell', 'list', 'status', 'rollback', 'abort', 'cleanup',
  'image', 'show', 'diff', 'health-check', 'etc-merge', 'grub.cfg', 'bootloader', 'initrd', 'kargs', 'reboot',
  'fleet', 'help',
]);
