import { describe, expect, it } from 'vitest';
import { fstabText, parseFstab, relocationLinkTarget, RELOCATED_STATE } from '../../../src/image/layout.js';

describe('managed system layout', () => {
  it('relocated package state is reached through relative symlinks that resolve into /usr/lib/sysimage', () => {
    expect(relocationLinkTarget('var/lib/dpkg', 'dpkg')).toBe('../../usr/lib/sysimage/dpkg');
    expect(relocationLinkTarget('var/lib/systemd/deb-systemd-helper-enabled', 'deb-systemd-helper-enabled')).toBe('../../../usr/lib/sysimage/deb-systemd-helper-enabled');
    for (const { varPath, sysimageName } of RELOCATED_STATE) {
      const link = relocationLinkTarget(varPath, sysimageName);
      const resolved = new URL(link, `file:///${varPath}`).pathname;
      expect(resolved).toBe(`/usr/lib/sysimage/${sysimageName}`);
    }
  });

  it('fstab mounts every shared subvolume and /.snapshots, and reads back', () => {
    const text = fstabText({ uuid: 'abc', espUuid: 'ESP1' });
    const entries = parseFstab(text);
    expect(entries.map((e) => e.target)).toEqual(['/', '/.snapshots', '/var', '/home', '/root', '/srv', '/opt', '/usr/local', '/tmp', '/boot/efi']);
    expect(entries.find((e) => e.target === '/var')?.options).toBe('subvol=/@/var');
    expect(parseFstab('UUID=x /mnt/a\\040b ext4 defaults 0 0')[0]?.target).toBe('/mnt/a b');
  });
});
