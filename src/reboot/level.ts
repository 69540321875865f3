/**
 * Reboot levels: how much of a restart a new snapshot needs before it is running.
 *   none < soft-reboot (userspace restarts into the new root, same kernel)
 *        < kexec (a new kernel, boot loader and firmware skipped)
 *        < reboot (everything, through the firmware and the boot loader)
 */

export const REBOOT_LEVELS = ['none', 'soft-reboot', 'kexec', 'reboot'] as const;
export type RebootLevel = (typeof REBOOT_LEVELS)[number];

export function isRebootLevel(text: string): text is RebootLevel {
  return (REBOOT_LEVELS as readonly string[]).includes(text);
}

/** Negative, zero or positive as a needs less, the same or more than b. */
export function compareLevels(a: RebootLevel, b: RebootLevel): number {
  return REBOOT_LEVELS.indexOf(a) - REBOOT_LEVELS.indexOf(b);
}

/** The highest of the levels ('none' for none). */
export function maxLevel(...levels: RebootLevel[]): RebootLevel {
  return levels.reduce<RebootLevel>((acc, level) => (compareLevels(level, acc) > 0 ? level : acc), 'none');
}

/** True when a restart of kind `mechanism` is enough for a change needing `needed`. */
export function satisfies(mechanism: RebootLevel, needed: RebootLevel): boolean {
  return compareLevels(mechanism, needed) >= 0;
}

/**
 * Paths whose change needs a full reboot: the boot loader and what the firmware runs.
 * (The tool's own GRUB directory lives outside every snapshot; these are the packages' files.)
 */
const REBOOT_PATHS = [/^\/boot\/(grub|grub2|efi|EFI)\//, /^\/usr\/lib\/(grub|shim|systemd\/boot)\//, /^\/usr\/share\/grub\//];
/** Paths whose change needs a new kernel (kexec is enough): kernels, initrds, modules. */
const KERNEL_PATHS = [/^\/boot\//, /^\/(usr\/)?lib\/modules\//];

/** The level one changed path needs: boot loader → reboot; kernel, initrd or modules → kexec; else soft-reboot. */
export function levelOfPath(path: string): RebootLevel {
  if (REBOOT_PATHS.some((re) => re.test(path))) return 'reboot';
  return KERNEL_PATHS.some((re) => re.test(path)) ? 'kexec' : 'soft-reboot';
}

/**
 * The level a change needs, from the paths it created, deleted or modified (a manifest's
 * file list): nothing changed → none; boot loader → reboot; kernel, initrd or modules →
 * kexec; anything else → soft-reboot.
 */
export function levelForChangedPaths(paths: Iterable<string>): RebootLevel {
  let level: RebootLevel = 'none';
  for (const path of paths) {
    const own = levelOfPath(path);
    if (own === 'reboot') return 'reboot';
    level = maxLevel(level, own);
  }
  return level;
}

/** Why a change needs its level: the paths at that level (the first few), and the packages that own them. */
export interface LevelExplanation {
  level: RebootLevel;
  /** Up to `limit` of the paths that set the level, in the manifest's order. */
  paths: string[];
  /** How many more paths set it. */
  morePaths: number;
  /** Changed packages that own one of those paths (all of them, not only the listed ones). */
  packages: string[];
}

/**
 * The level of a change and what set it — pure. `owners` names the changed packages owning a
 * path (empty when the package manager's file lists are not readable, or for a hand edit).
 */
export function explainLevel(paths: readonly string[], owners: (path: string) => readonly string[] = () => [], limit = 5): LevelExplanation {
  const level = levelForChangedPaths(paths);
  if (level === 'none') return { level, paths: [], morePaths: 0, packages: [] };
  const deciding = paths.filter((p) => levelOfPath(p) === level);
  const packages = new Set<string>();
  for (const path of deciding) for (const owner of owners(path)) packages.add(owner);
  return { level, paths: deciding.slice(0, limit), morePaths: Math.max(0, deciding.length - limit), packages: [...packages].sort() };
}
