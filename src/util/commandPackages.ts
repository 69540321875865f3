/**
 * The Debian package that provides each program the tool runs, so that a missing program
 * is reported as a package to install rather than as a failed command.
 */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  btrfs: 'btrfs-progs',
  'mkfs.btrfs': 'btrfs-progs',
  losetup: 'mount',
  mount: 'mount',
  umount: 'mount',
  findmnt: 'util-linux',
  blkid: 'util-linux',
  unshare: 'util-linux',
  setpriv: 'util-linux',
  tini: 'tini',
  getfattr: 'attr',
  setfattr: 'attr',
  getfacl: 'acl',
  setfacl: 'acl',
  'grub-editenv': 'grub-common',
  'grub-script-check': 'grub-common',
  'grub-mkimage': 'grub-common',
  mcopy: 'mtools',
  mdir: 'mtools',
  mmd: 'mtools',
  'mkfs.vfat': 'dosfstools',
  sfdisk: 'fdisk',
  mmdebstrap: 'mmdebstrap',
  systemctl: 'systemd',
  kexec: 'kexec-tools',
  logger: 'bsdutils',
  wall: 'bsdutils',
  rpm: 'rpm',
  'dpkg-deb': 'dpkg',
  dpkg: 'dpkg',
  tar: 'tar',
  cp: 'coreutils',
};

/** The package to install for `program` (a name or a path), when we know it. */
export function packageOf(program: string): string | undefined {
  const name = program.slice(program.lastIndexOf('/') + 1);
  return Object.hasOwn(PACKAGE_OF, name) ? PACKAGE_OF[name] : undefined;
}
