/** What set a reboot level, as one clause for status and show. */

export interface LevelCauseText {
  paths: string[];
  morePaths?: number | undefined;
  packages: string[];
  note?: string | undefined;
}

/** "/usr/bin/hello (package hello)" or "/boot/vmlinuz-6.12 and 3 more (package linux-image-6.12)". */
export function describeLevelCause(e: LevelCauseText): string {
  if (e.note) return e.note;
  const paths = e.paths.length ? `${e.paths.join(', ')}${e.morePaths ? ` and ${e.morePaths} more` : ''}` : '';
  const packages = e.packages.length ? `package${e.packages.length > 1 ? 's' : ''} ${e.packages.join(', ')}` : '';
  if (paths && packages) return `${paths} (${packages})`;
  return paths || packages || 'not recorded';
}
