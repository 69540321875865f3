import { describe, expect, it } from 'vitest';
import { chooseKernel, compareVersions, kexecCommandLine } from '../../../src/reboot/kexec.js';

describe('chooseKernel', () => {
  it("prefers Debian's vmlinuz/initrd.img links", () => {
    expect(chooseKernel(['vmlinuz', 'initrd.img', 'vmlinuz.old', 'vmlinuz-6.1.0-40-amd64', 'initrd.img-6.1.0-40-amd64'])).toEqual({ kernel: 'vmlinuz', initrd: 'initrd.img' });
  });

  it('takes the highest version with its initrd otherwise', () => {
    expect(
      chooseKernel(['config-6.1.0-9-amd64', 'vmlinuz-6.1.0-9-amd64', 'initrd.img-6.1.0-9-amd64', 'vmlinuz-6.1.0-10-amd64', 'initrd.img-6.1.0-10-amd64', 'grub']),
    ).toEqual({ kernel: 'vmlinuz-6.1.0-10-amd64', initrd: 'initrd.img-6.1.0-10-amd64' });
    expect(chooseKernel(['vmlinuz-6.6.1', 'initramfs-6.6.1.img'])).toEqual({ kernel: 'vmlinuz-6.6.1', initrd: 'initramfs-6.6.1.img' });
    expect(chooseKernel(['vmlinuz-6.6.1'])).toEqual({ kernel: 'vmlinuz-6.6.1', initrd: undefined });
    expect(chooseKernel(['grub', 'efi'])).toBeUndefined();
  });

  it('compares versions numerically', () => {
    expect(compareVersions('6.1.0-10', '6.1.0-9')).toBeGreaterThan(0);
    expect(compareVersions('6.1', '6.1.0')).toBeLessThan(0);
    expect(compareVersions('5.10.0', '5.10.0')).toBe(0);
  });
});

describe('kexecCommandLine', () => {
  it('points the running command line at the new snapshot', () => {
    expect(
      kexecCommandLine(
        'BOOT_IMAGE=/@/.snapshots/4/snapshot/boot/vmlinuz-6.1.0-40-amd64 root=UUID=abc ro rootflags=subvol=@/.snapshots/4/snapshot,compress=zstd tu.snapshot=4 tu.fallback=1 quiet\n',
        '@/.snapshots',
        7,
      ),
    ).toBe('root=UUID=abc ro rootflags=subvol=@/.snapshots/7/snapshot,compress=zstd quiet tu.snapshot=7');
  });

  it('adds rootflags when there were none', () => {
    expect(kexecCommandLine('root=/dev/vda2 console=ttyS0', '/@/.snapshots/', 3)).toBe(
      'root=/dev/vda2 console=ttyS0 rootflags=subvol=@/.snapshots/3/snapshot tu.snapshot=3',
    );
  });
});
