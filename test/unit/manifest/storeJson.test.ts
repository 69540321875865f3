import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TuError } from '../../../src/errors.js';
import { readManifest, writeManifest } from '../../../src/manifest/storeJson.js';
import { ManifestInvalidError, validateManifest } from '../../../src/manifest/validate.js';
import { fakeStore } from '../../../bench/manifestList.js';

const fixtureText = readFileSync('fixtures/manifest/manifest-v1.json', 'utf8');
const fixture = () => JSON.parse(fixtureText) as Record<string, unknown>;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tu-json-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('validateManifest', () => {
  it('accepts the documented example', () => {
    expect(validateManifest(fixture()).number).toBe(7);
  });

  it('reports every problem at once, with where it is', () => {
    const m = fixture();
    (m.packages as Record<string, unknown>[])[0]!.change = 'reinstalled';
    (m.files as Record<string, unknown>[])[1]!.path = 'relative/path';
    delete (m.provenance as Record<string, unknown>).user;
    (m.config as Record<string, unknown>[])[0]!.withheld = 'secret';
    try {
      validateManifest(m);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestInvalidError);
      expect((error as ManifestInvalidError).problems).toEqual([
        'manifest.provenance.user is missing',
        'manifest.packages[0].change must be one of installed, removed, upgraded, downgraded',
        'manifest.files[1].path must be an absolute path',
        'manifest.config[0].withheld must be one of not-world-readable, binary, too-large, capped',
      ]);
    }
  });

  it('refuses a schema version newer than it knows, naming it', () => {
    expect(() => validateManifest({ ...fixture(), schemaVersion: 2 })).toThrow(
      'schemaVersion 2 is newer than this tool understands (1)',
    );
  });
});

describe('manifest.json on disk', () => {
  it('round-trips through an atomic write, leaving no temp file', () => {
    const store = fakeStore(dir);
    mkdirSync(join(dir, '7'));
    writeManifest(store, validateManifest(fixture()));
    expect(readdirSync(join(dir, '7'))).toEqual(['manifest.json']);
    expect(readManifest(store, 7)).toEqual(fixture());
  });

  it('is undefined for a snapshot without one, and a TuError with a hint for a broken one', () => {
    const store = fakeStore(dir);
    mkdirSync(join(dir, '7'));
    expect(readManifest(store, 7)).toBeUndefined();
    writeFileSync(join(dir, '7', 'manifest.json'), '{"schemaVersion": 1,');
    expect(() => readManifest(store, 7)).toThrow(TuError);
    expect(() => readManifest(store, 7)).toThrow(/manifest.json is not valid JSON/);
  });

  it('refuses a manifest that describes another snapshot', () => {
    const store = fakeStore(dir);
    mkdirSync(join(dir, '8'));
    writeFileSync(join(dir, '8', 'manifest.json'), fixtureText);
    expect(() => readManifest(store, 8)).toThrow('it describes snapshot 7, not 8');
  });
});
