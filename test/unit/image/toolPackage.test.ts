import { describe, expect, it } from 'vitest';
import { parseDependencyNames, suiteCarriesPackage } from '../../../src/image/toolPackage.js';

describe('the tool package in an image', () => {
  it('takes the first name of each dependency, without versions or architectures', () => {
    // The Depends line of a real build (dpkg-deb --field transactional-update_0.1.0_amd64.deb Depends).
    const real = 'nodejs (>= 20), btrfs-progs, util-linux (>= 2.38), mount, tini, attr, acl, grub-common, libc6 (>= 2.34), libstdc++6 (>= 11)';
    expect(parseDependencyNames(real)).toEqual(['nodejs', 'btrfs-progs', 'util-linux', 'mount', 'tini', 'attr', 'acl', 'grub-common', 'libc6', 'libstdc++6']);
    expect(parseDependencyNames('a:any (>= 1) | b, c [amd64]')).toEqual(['a', 'c']);
    expect(parseDependencyNames('')).toEqual([]);
  });

  it('leaves the package out of suites whose nodejs is older than 20', () => {
    expect(suiteCarriesPackage('trixie')).toBe(true);
    expect(suiteCarriesPackage('stable')).toBe(true);
    expect(suiteCarriesPackage('bookworm')).toBe(false);
    expect(suiteCarriesPackage('oldstable')).toBe(false);
  });
});
