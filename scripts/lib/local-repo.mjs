#!/usr/bin/env node
// node scripts/lib/local-repo.mjs <root> <name>=<version>…
// Writes a repository of the given fixture packages into <root>/srv/tu-repo and makes it
// apt's only source there (the same code the tests use: debrepo.mjs).
import { aptSourceLine, pointAptAtLocalRepo } from './debrepo.mjs';

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
const repo = await pointAptAtLocalRepo(root, packages, { cacheDir: '' });
console.log(`repository ${repo}: ${specs.join(', ')}`);
console.log(`apt source: ${aptSourceLine()}`);
