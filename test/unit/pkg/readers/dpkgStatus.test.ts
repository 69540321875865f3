import { describe, expect, it } from 'vitest';
import { parseDeb822, parseDpkgStatus } from '../../../../src/pkg/readers/dpkgStatus.js';
import { readFixture } from '../fixtures.js';

// fixtures/pkg/dpkg/status: real paragraphs from a Debian 12 machine plus packages the real
// dpkg brought into each state; dpkg-query.tsv is dpkg-query's own reading of that file.
const status = readFixture('dpkg/status');
const oracle = readFixture('dpkg/dpkg-query.tsv')
  .trim()
  .split('\n')
  .map((line) => {
    const [name, arch, version, , statusField] = line.split('\t');
    return { name: name!, arch: arch!, version: version!, state: statusField!.split(' ')[2]! };
  });

const present = new Set(['installed', 'triggers-awaited', 'triggers-pending', 'half-configured', 'unpacked']);
const key = (p: { name: string; arch: string }) => `${p.name}:${p.arch}`;

describe('parseDpkgStatus on a recorded status file', () => {
  const packages = parseDpkgStatus(status);

  it('reads exactly the packages dpkg-query lists as present, with their arch and version', () => {
    const expected = oracle.filter((p) => present.has(p.state)).map(({ name, arch, version }) => ({ name, arch, version }));
    const sort = (list: { name: string; arch: string; version: string }[]) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sort(packages)).toEqual(sort(expected));
    expect(packages.length).toBeGreaterThan(45);
  });

  it('leaves out a removed package whose conffiles remain (config-files)', () => {
    expect(oracle.find((p) => p.name === 'tu-conf')?.state).toBe('config-files');
    expect(packages.find((p) => p.name === 'tu-conf')).toBeUndefined();
  });

  it('leaves out a half-installed package (an unpack that broke off and could not be undone)', () => {
    expect(oracle.find((p) => p.name === 'tu-half')?.state).toBe('half-installed');
    expect(packages.find((p) => p.name === 'tu-half')).toBeUndefined();
  });

  it('keeps unpacked and half-configured packages: their files are on disk', () => {
    expect(packages.find((p) => p.name === 'tu-unpacked')).toEqual({ name: 'tu-unpacked', arch: 'all', version: '1.0~rc1-1' });
    expect(packages.find((p) => p.name === 'tu-halfconf')).toEqual({ name: 'tu-halfconf', arch: 'amd64', version: '3.0-1' });
  });

  it('keeps held packages and packages selected for removal but still installed', () => {
    expect(packages.find((p) => p.name === 'tu-held')?.version).toBe('1.2-1');
    expect(packages.find((p) => p.name === 'tu-deinstall')?.version).toBe('0.9-2');
  });

  it('keeps both architectures of a Multi-Arch: same package, and the epoch in the version', () => {
    expect(packages.filter((p) => p.name === 'tu-multi').map((p) => p.arch).sort()).toEqual(['amd64', 'i386']);
    expect(packages.find((p) => p.name === 'tu-epoch')?.version).toBe('1:0.5-1');
    expect(packages.some((p) => /^\d+:/.test(p.version) && !p.name.startsWith('tu-'))).toBe(true);
  });
});

describe('parseDeb822', () => {
  it('joins continuation lines and lower-cases field names', () => {
    const paragraphs = parseDeb822(status);
    const withConffiles = paragraphs.find((p) => p.has('conffiles'));
    expect(withConffiles?.get('conffiles')).toMatch(/^\n?\/etc\//);
    expect(paragraphs.every((p) => p.has('package'))).toBe(true);
  });
});
