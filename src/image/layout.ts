/**
 * What a managed system looks like (docs/architecture.md "On-disk layout"): which directories are
 * separate subvolumes that never roll back, and where package state moves so that it rolls
 * back with /usr.
 */

/** Subvolumes under "@" that never roll back, mounted at "/<name>" through the snapshot's fstab. */
export const SHARED_SUBVOLUMES = ['var', 'home', 'root', 'srv', 'opt', 'usr/local'] as const;

export const SNAPSHOTS_SUBVOLUME = '@/.snapshots';

/**
 * A file at the top of the snapshots subvolume (/.snapshots/transactional-update.layout on the
 * running system) that only this layout has: the units' ConditionPathExists=. /.snapshots
 * itself is every snapper user's.
 */
export const LAYOUT_MARKER = 'transactional-update.layout';
export const LAYOUT_MARKER_TEXT = '# This Btrfs file system has the layout transactional-update manages (see transactional-update(8)).\n';

/**
 * Package state that lives in /usr/lib/sysimage and is reached from its usual place in /var
 * through a relative directory symlink (dpkg and apt work unchanged through it).
 */
export const RELOCATED_STATE: ReadonlyArray<{ varPath: string; sysimageName: string }> = [
  { varPath: 'var/lib/dpkg', sysimageName: 'dpkg' },
  { varPath: 'var/cache/debconf', sysimageName: 'debconf' },
  { varPath: 'var/lib/ucf', sysimageName: 'ucf' },
  { varPath: 'var/lib/systemd/deb-systemd-helper-enabled', sysimageName: 'deb-systemd-helper-enabled' },
  { varPath: 'var/lib/pam', sysimageName: 'pam' },
  { varPath: 'var/lib/pacman', sysimageName: 'pacman' },
];

export const SYSIMAGE_DIR = 'usr/lib/sysimage';

/** apt replaces extended_states by rename, so a symlink cannot work: apt is configured. */
export const APT_EXTENDED_STATES = '/usr/lib/sysimage/apt/extended_states';
export const APT_CONF_FILE = 'etc/apt/apt.conf.d/50transactional-update';

/** Units that cannot work on a read-only /usr; our own timer replaces them. */
export const MASKED_UNITS = [
  'apt-daily.timer',
  'apt-daily.service',
  'apt-daily-upgrade.timer',
  'apt-daily-upgrade.service',
  'unattended-upgrades.service',
];

export const SNAPPER_UNITS = ['snapper-boot.timer', 'snapper-timeline.timer', 'snapper-cleanup.timer'];

/** Relative symlink target from a path under var/ to its place in usr/lib/sysimage. */
export function relocationLinkTarget(varPath: string, sysimageName: string): string {
  const depth = varPath.split('/').length - 1;
  return `${'../'.repeat(depth)}${SYSIMAGE_DIR}/${sysimageName}`;
}

export function fstabText(options: { uuid: string; espUuid?: string }): string {
  const lines = [
    '# Managed by transactional-update: / is a read-only snapshot, /etc a writable subvolume in it.',
    `UUID=${options.uuid} / btrfs defaults 0 0`,
    `UUID=${options.uuid} /.snapshots btrfs subvol=/${SNAPSHOTS_SUBVOLUME} 0 0`,
    ...SHARED_SUBVOLUMES.map((name) => `UUID=${options.uuid} /${name} btrfs subvol=/@/${name} 0 0`),
    // The root is a read-only snapshot: /tmp must be a file system of its own.
    'tmpfs /tmp tmpfs defaults,nosuid,nodev 0 0',
  ];
  if (options.espUuid) lines.push(`UUID=${options.espUuid} /boot/efi vfat umask=0077 0 2`);
  return `${lines.join('\n')}\n`;
}

export interface FstabEntry {
  spec: string;
  target: string;
  fstype: string;
  options: string;
}

export function parseFstab(text: string): FstabEntry[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(/\s+/))
    .filter((f) => f.length >= 3)
    .map((f) => ({ spec: f[0]!, target: unescapeFstab(f[1]!), fstype: f[2]!, options: f[3] ?? 'defaults' }));
}

function unescapeFstab(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
