import { describe, expect, it } from 'vitest';
import { parseRpmQuery, rpmQueryArgs, RPM_QUERY_FORMAT } from '../../../../src/pkg/readers/rpmdb.js';
import { readFixture } from '../fixtures.js';

// Recorded by fixtures/pkg/generate/rpm-db.sh from the real rpm, with the reader's query format.
describe('parseRpmQuery on recorded rpm -qa output', () => {
  const packages = parseRpmQuery(readFixture('rpm/rpm-qa.txt'));

  it('reads every line as name, arch and [epoch:]version-release', () => {
    expect(packages.filter((p) => p.name.startsWith('tu-'))).toEqual([
      { name: 'tu-epoch', arch: 'x86_64', version: '2:0.5-3.fc40' },
      { name: 'tu-hello', arch: 'noarch', version: '1.0-1' },
      { name: 'tu-kernel', arch: 'x86_64', version: '6.1.0-1' },
      { name: 'tu-kernel', arch: 'x86_64', version: '6.2.0~rc1-1' },
    ]);
  });

  it('keeps an imported signing key (gpg-pubkey), which rpm lists without an arch', () => {
    const keys = packages.filter((p) => p.name === 'gpg-pubkey');
    for (const key of keys) expect(key.arch).toBe('(none)');
  });
});

describe('rpmQueryArgs', () => {
  it('always names the database path, and the format the fixture was recorded with', () => {
    expect(rpmQueryArgs('/tmp/tu-rpmdb-x')).toEqual(['--dbpath', '/tmp/tu-rpmdb-x', '-qa', '--qf', RPM_QUERY_FORMAT]);
    expect(readFixture('generate/rpm-db.sh')).toContain(`--qf '${RPM_QUERY_FORMAT}'`);
  });
});
