import { describe, expect, it } from 'vitest';
import { parsePacmanDesc, readPacmanLocal } from '../../../../src/pkg/readers/pacmanLocal.js';
import { fixturePath, readFixture } from '../fixtures.js';

// A local database written by the real pacman (fixtures/pkg/generate/pacman-db.sh); pacman -Q
// and -Qi of the same database are the oracle.
const versions = readFixture('pacman/pacman-Q.txt').trim().split('\n').map((l) => l.split(' '));
const arches = new Map(readFixture('pacman/pacman-Qi-arch.txt').trim().split('\n').map((l) => l.split('\t') as [string, string]));

describe('readPacmanLocal on a recorded database', () => {
  it('reads what pacman -Q lists, with the arch pacman -Qi shows', async () => {
    const packages = await readPacmanLocal(fixturePath('pacman/root/var/lib/pacman/local'));
    const expected = versions.map(([name, version]) => ({ name: name!, version: version!, arch: arches.get(name!)! }));
    expect(packages.sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected);
    expect(packages.find((p) => p.name === 'tu-epoch')?.version).toBe('2:0.5-3');
    expect(packages.find((p) => p.name === 'tu-hello')?.arch).toBe('any');
  });
});

describe('parsePacmanDesc', () => {
  it('needs a name and a version', () => {
    const desc = readFixture('pacman/root/var/lib/pacman/local/tu-hello-1.0-1/desc');
    expect(parsePacmanDesc(desc)).toEqual({ name: 'tu-hello', arch: 'any', version: '1.0-1' });
    expect(parsePacmanDesc(desc.replace('%VERSION%', '%NOTVERSION%'))).toBeUndefined();
  });
});
