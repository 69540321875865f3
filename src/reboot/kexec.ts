/**
 * What kexec loads for a snapshot — pure: the kernel and initrd chosen from the names in the
 * snapshot's /boot, and the command line that boots that snapshot.
 */

export interface KexecImage {
  kernel: string;
  initrd: string | undefined;
}

/**
 * Debian keeps vmlinuz/initrd.img symlinks to the newest kernel; without them the highest
 * version of vmlinuz-<version> wins, with its initrd.img-<version> (Debian), initrd-<version>
 * or initramfs-<version>.img (dracut).
 */
export function chooseKernel(names: readonly string[]): KexecImage | undefined {
  const has = new Set(names);
  if (has.has('vmlinuz')) return { kernel: 'vmlinuz', initrd: has.has('initrd.img') ? 'initrd.img' : undefined };
  const versions = names
    .filter((n) => n.startsWith('vmlinuz-'))
    .map((n) => n.slice('vmlinuz-'.length))
    .sort(compareVersions);
  const version = versions.at(-1);
  if (version === undefined) return undefined;
  const initrd = [`initrd.img-${version}`, `initrd-${version}`, `initramfs-${version}.img`].find((n) => has.has(n));
  return { kernel: `vmlinuz-${version}`, initrd };
}

/** Compare version strings chunk by chunk, numbers numerically: 6.1.0-10 > 6.1.0-9. */
export function compareVersions(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const numeric = /^\d/.test(p) && /^\d/.test(q);
    const diff = numeric ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The running command line turned into the one for snapshot N: its subvolume in rootflags,
 * tu.snapshot=N, and no tu.fallback or BOOT_IMAGE (GRUB's, naming the old kernel).
 */
export function kexecCommandLine(current: string, snapshotsFsPath: string, snapshot: number): string {
  const subvol = `${snapshotsFsPath.replace(/^\/+|\/+$/g, '')}/${snapshot}/snapshot`;
  const words = current.trim().split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  let hasRootflags = false;
  for (const word of words) {
    if (word.startsWith('BOOT_IMAGE=') || word === 'tu.fallback' || word.startsWith('tu.fallback=') || word.startsWith('tu.snapshot=')) {
      continue;
    }
    if (word.startsWith('rootflags=')) {
      hasRootflags = true;
      const options = word.slice('rootflags='.length).split(',').filter((o) => o !== '' && !o.startsWith('subvol=') && !o.startsWith('subvolid='));
      out.push(`rootflags=${[`subvol=${subvol}`, ...options].join(',')}`);
      continue;
    }
    out.push(word);
  }
  if (!hasRootflags) out.push(`rootflags=subvol=${subvol}`);
  out.push(`tu.snapshot=${snapshot}`);
  return out.join(' ');
}
