import { describe, expect, it } from 'vitest';
import { compareLevels, explainLevel, isRebootLevel, levelForChangedPaths, maxLevel, satisfies } from '../../../src/reboot/level.js';

describe('reboot levels', () => {
  it('are ordered none < soft-reboot < kexec < reboot', () => {
    expect(compareLevels('none', 'soft-reboot')).toBeLessThan(0);
    expect(compareLevels('kexec', 'soft-reboot')).toBeGreaterThan(0);
    expect(compareLevels('reboot', 'kexec')).toBeGreaterThan(0);
    expect(maxLevel('soft-reboot', 'reboot', 'kexec')).toBe('reboot');
    expect(maxLevel()).toBe('none');
    expect(satisfies('kexec', 'soft-reboot')).toBe(true);
    expect(satisfies('soft-reboot', 'kexec')).toBe(false);
    expect(isRebootLevel('kexec')).toBe(true);
    expect(isRebootLevel('hard')).toBe(false);
  });

  it('follow from the changed paths', () => {
    expect(levelForChangedPaths([])).toBe('none');
    expect(levelForChangedPaths(['/usr/bin/hello', '/etc/hello.conf'])).toBe('soft-reboot');
    expect(levelForChangedPaths(['/usr/bin/hello', '/boot/vmlinuz-6.1.0-40-amd64'])).toBe('kexec');
    expect(levelForChangedPaths(['/boot/initrd.img-6.1.0-40-amd64'])).toBe('kexec');
    expect(levelForChangedPaths(['/usr/lib/modules/6.1.0-40-amd64/kernel/fs/btrfs/btrfs.ko'])).toBe('kexec');
    expect(levelForChangedPaths(['/lib/modules/6.1.0-40-amd64/modules.dep'])).toBe('kexec');
    expect(levelForChangedPaths(['/usr/bin/hello', '/usr/lib/grub/x86_64-efi/normal.mod'])).toBe('reboot');
    expect(levelForChangedPaths(['/usr/lib/shim/shimx64.efi.signed'])).toBe('reboot');
    expect(levelForChangedPaths(['/boot/grub/grub.cfg'])).toBe('reboot');
    expect(levelForChangedPaths(['/bootstrap/x'])).toBe('soft-reboot');
  });

  it('name the paths that set the level and the changed packages owning them', () => {
    const owners = (path: string) => (path.startsWith('/usr/lib/modules/') || path.startsWith('/boot/vmlinuz') ? ['linux-image-6.12.9-amd64'] : path === '/usr/bin/tu-hello' ? ['tu-hello'] : []);
    const modules = Array.from({ length: 8 }, (_, i) => `/usr/lib/modules/6.12.9-amd64/kernel/m${i}.ko`);
    expect(explainLevel(['/usr/bin/tu-hello', '/etc/tu-hello.conf'], owners)).toEqual({
      level: 'soft-reboot',
      paths: ['/usr/bin/tu-hello', '/etc/tu-hello.conf'],
      morePaths: 0,
      packages: ['tu-hello'],
    });
    expect(explainLevel(['/usr/bin/tu-hello', ...modules, '/boot/vmlinuz-6.12.9-amd64'], owners)).toEqual({
      level: 'kexec',
      paths: modules.slice(0, 5),
      morePaths: 4,
      packages: ['linux-image-6.12.9-amd64'],
    });
    expect(explainLevel([])).toEqual({ level: 'none', paths: [], morePaths: 0, packages: [] });
  });
});
