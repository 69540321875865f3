#!/usr/bin/env node
// node scripts/lib/local-repo.mjs <root> <name>=<version>…
// Writes a repository of the given fixture packages into <root>/srv/tu-repo, signed with a
// key made for it, and makes it apt's only source there (the same code the tests use:
// debrepo.mjs). The public key goes to <root>/etc/apt/keyrings; the private key is thrown
// away once the repository is signed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APT_SOURCES_NAME, pointAptAtLocalRepo } from './debrepo.mjs';

const [root, ...specs] = process.argv.slice(2);
if (!root || specs.length === 0) {
  console.error('usage: node scripts/lib/local-repo.mjs <root> <name>=<version>…');
  process.exit(2);
}
const packages = specs.map((spec) => {
  const [name, version] = spec.split('=');
  if (!name || !version) {
    console.error(`not <name>=<version>: ${JSON.stringify(spec)}`);
    process.exit(2);
  }
  return { name, version };
});
const keyParent = await mkdtemp(join(tmpdir(), 'tu-repo-key-'));
try {
  const repo = await pointAptAtLocalRepo(root, packages, { cacheDir: '', keyDir: join(keyParent, 'key') });
  console.log(`repository ${repo} (signed): ${specs.join(', ')}`);
  const sources = await readFile(join(root, 'etc/apt/sources.list.d', APT_SOURCES_NAME), 'utf8');
  console.log(`apt source /etc/apt/sources.list.d/${APT_SOURCES_NAME}:\n${sources.trimEnd().replace(/^/gm, '  ')}`);
} finally {
  await rm(keyParent, { recursive: true, force: true });
}
