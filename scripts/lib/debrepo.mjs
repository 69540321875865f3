// The one builder of the tiny test packages (fixtures/packages/) and of the flat, signed
// apt repository that serves them. Plain ESM so that scripts/demo runs it with node alone,
// before or without a build; the tests import it through test/support/repo.ts
// (types in debrepo.d.mts beside this file). Subprocesses: execa with argument arrays.
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import {
  chmod, copyFile, cp, lstat, mkdir, mkdtemp, readdir, rename, rm, utimes, writeFile,
} from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { clearsign, defaultKeyDir, ensureSigningKey } from './signing-key.mjs';

export { defaultKeyDir, ensureSigningKey } from './signing-key.mjs';

export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/packages');

/** Where the repository lives inside a test system, its sources entry and its key there. */
export const REPO_PATH_IN_ROOT = '/srv/tu-repo';
export const APT_SOURCES_NAME = 'tu-test.sources';
export const KEYRING_PATH_IN_ROOT = '/etc/apt/keyrings/tu-test.gpg';

/** Fixed timestamp of every file in a built package, so builds are byte-identical. */
const SOURCE_DATE_EPOCH = 1767225600; // 2026-01-01 00:00:00 UTC
const MAINTAINER_SCRIPTS = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config']);

/**
 * The deb822 sources entry of the flat repository. Signed (the default): apt trusts only the
 * key in the keyring file named by Signed-By. Unsigned: no Signed-By, so apt refuses it.
 */
export function aptSources(options = {}) {
  const repo = options.repoPathInRoot ?? REPO_PATH_IN_ROOT;
  const lines = ['Types: deb', `URIs: file:${repo}`, 'Suites: ./'];
  if (options.signed !== false) lines.push(`Signed-By: ${options.keyringPathInRoot ?? KEYRING_PATH_IN_ROOT}`);
  return `${lines.join('\n')}\n`;
}

export function debFileName(name, version) {
  return `${name}_${version}_all.deb`;
}

/** Every package source under fixtures/packages/, as {name, version}. */
export function listFixturePackages() {
  return readdirSync(FIXTURES_DIR)
    .filter((entry) => existsSync(join(FIXTURES_DIR, entry, 'DEBIAN', 'control')))
    .map(parseSourceDirName)
    .sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name.localeCompare(b.name)));
}

function parseSourceDirName(entry) {
  const match = /^(.+)-(\d[^-]*)$/.exec(entry);
  if (!match) throw new Error(`fixtures/packages/${entry}: expected <name>-<version>`);
  return { name: match[1], version: match[2] };
}

/** The default .deb cache of a test run (set up by test/support/global-setup.ts), if any. */
export function defaultCacheDir() {
  if (process.env.TU_DEB_CACHE) return process.env.TU_DEB_CACHE;
  if (process.env.TU_TEST_TMP) return join(process.env.TU_TEST_TMP, 'debs');
  return undefined;
}

/**
 * Build fixtures/packages/<name>-<version> into outDir/<name>_<version>_all.deb and return
 * its path. With a cache directory (default: the test run's), a package is built once per
 * run and copied from there.
 */
export async function buildPackage(name, version, outDir, options = {}) {
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir || undefined;
  await mkdir(outDir, { recursive: true });
  const target = join(outDir, debFileName(name, version));
  if (!cacheDir) {
    await buildUncached(name, version, outDir);
    return target;
  }
  const cached = join(cacheDir, debFileName(name, version));
  if (!existsSync(cached)) await buildUncached(name, version, cacheDir);
  if (resolve(cached) !== resolve(target)) await copyAtomically(cached, target);
  return target;
}

async function buildUncached(name, version, outDir) {
  const source = join(FIXTURES_DIR, `${name}-${version}`);
  if (!existsSync(join(source, 'DEBIAN', 'control'))) {
    throw new Error(`no package source ${name} ${version} (expected ${source}/DEBIAN/control)`);
  }
  const spec = readBuildSpec()[`${name}-${version}`] ?? {};
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(join(outDir, `.build-${name}-${version}-`));
  try {
    const root = join(work, 'root');
    await cp(source, root, { recursive: true });
    await normalizeModes(root);
    for (const payload of spec.generate ?? []) await generatePayload(join(root, payload.path), payload.bytes, payload.seed);
    for (const [path, mode] of Object.entries(spec.modes ?? {})) await chmod(join(root, path), Number.parseInt(mode, 8));
    await clampTimes(root);
    const built = join(work, debFileName(name, version));
    await execa('dpkg-deb', ['--root-owner-group', `-Z${spec.compression ?? 'gzip'}`, '--build', root, built], {
      env: { SOURCE_DATE_EPOCH: String(SOURCE_DATE_EPOCH) },
    });
    await rename(built, join(outDir, debFileName(name, version)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function readBuildSpec() {
  const file = join(FIXTURES_DIR, 'build.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/**
 * Git keeps only the executable bit, and a checkout follows the umask: give every file
 * 0644 or 0755 and every directory 0755, maintainer scripts always 0755.
 */
async function normalizeModes(root) {
  for (const path of await walk(root)) {
    const info = await lstat(path);
    if (info.isSymbolicLink()) continue;
    const isScript = relative(root, path).split(sep)[0] === 'DEBIAN' && MAINTAINER_SCRIPTS.has(path.split(sep).pop());
    if (info.isDirectory()) await chmod(path, 0o755);
    else await chmod(path, isScript || info.mode & 0o111 ? 0o755 : 0o644);
  }
}

async function clampTimes(root) {
  for (const path of [root, ...(await walk(root))]) {
    if (!(await lstat(path)).isSymbolicLink()) await utimes(path, SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH);
  }
}

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) out.push(...(await walk(path)));
  }
  return out;
}

/**
 * Incompressible, reproducible bytes: the AES-256-CTR key stream of a key derived from the
 * seed (fast, ~1 GB/s, and the same file on every machine).
 */
export async function generatePayload(path, bytes, seed) {
  await mkdir(dirname(path), { recursive: true });
  const key = createHash('sha256').update(String(seed)).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const chunk = Buffer.alloc(1 << 20);
  const out = createWriteStream(path, { mode: 0o644 });
  try {
    for (let left = bytes; left > 0; left -= chunk.length) {
      const block = cipher.update(left >= chunk.length ? chunk : chunk.subarray(0, left));
      if (!out.write(block)) await new Promise((done) => out.once('drain', done));
    }
  } finally {
    await new Promise((done, fail) => out.end((error) => (error ? fail(error) : done())));
  }
}

/**
 * Build the given packages into dir and index them as a flat repository, signed with the
 * run's key unless options.signed is false. Returns the paths of the .debs.
 */
export async function buildRepo(dir, packages, options = {}) {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const debs = [];
  for (const pkg of packages) debs.push(await buildPackage(pkg.name, pkg.version, dir, options));
  await scanRepo(dir, options);
  return debs;
}

/** Add one more package (typically a newer version) to an existing repository, and re-sign it. */
export async function publish(repoDir, pkg, options = {}) {
  const deb = await buildPackage(pkg.name, pkg.version, repoDir, options);
  await scanRepo(repoDir, options);
  return deb;
}

/**
 * (Re)write the indexes of every .deb in dir, all versions listed: Packages, Packages.gz,
 * a Release made by apt-ftparchive (dated now: apt refuses a Release from the future) and,
 * signed, InRelease (Release clear-signed with the run's key). They are made in a staging
 * directory, so Release never lists itself, and then renamed into place.
 */
export async function scanRepo(dir, options = {}) {
  const { stdout } = await execa('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], {
    cwd: dir,
    stripFinalNewline: false,
  });
  const stage = await mkdtemp(join(dir, '.index-'));
  try {
    await writeFile(join(stage, 'Packages'), stdout);
    await writeFile(join(stage, 'Packages.gz'), gzipSync(stdout));
    const release = await execa('apt-ftparchive', [
      '-o', 'APT::FTPArchive::Release::Origin=transactional-update tests',
      '-o', 'APT::FTPArchive::Release::Label=tu-test',
      'release', '.',
    ], { cwd: stage, stripFinalNewline: false });
    await writeFile(join(stage, 'Release'), release.stdout);
    const names = ['Packages', 'Packages.gz', 'Release'];
    if (options.signed !== false) {
      const key = await ensureSigningKey(options.keyDir ?? defaultKeyDir());
      await clearsign(key, join(stage, 'Release'), join(stage, 'InRelease'));
      names.push('InRelease');
    } else {
      await rm(join(dir, 'InRelease'), { force: true });
    }
    for (const name of names) {
      await chmod(join(stage, name), 0o644);
      await rename(join(stage, name), join(dir, name));
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/**
 * Make the system mounted at root use only the local repository: the repository is
 * written to <root>/srv/tu-repo, apt gets one source for it (deb822, Signed-By the run's
 * key, installed under /etc/apt/keyrings), and the distribution's sources are removed so
 * nothing depends on the network. With options.signed false the repository and its
 * sources entry carry no signature and no key: apt refuses it.
 */
export async function pointAptAtLocalRepo(root, packages, options = {}) {
  const repoDir = join(root, REPO_PATH_IN_ROOT);
  await buildRepo(repoDir, packages, options);
  const aptDir = join(root, 'etc/apt');
  const listDir = join(aptDir, 'sources.list.d');
  await mkdir(listDir, { recursive: true });
  await rm(join(aptDir, 'sources.list'), { force: true });
  for (const entry of await readdir(listDir)) {
    if (entry !== APT_SOURCES_NAME && /\.(list|sources)$/.test(entry)) await rm(join(listDir, entry), { force: true });
  }
  if (options.signed !== false) {
    const key = await ensureSigningKey(options.keyDir ?? defaultKeyDir());
    const keyring = join(root, KEYRING_PATH_IN_ROOT);
    await mkdir(dirname(keyring), { recursive: true, mode: 0o755 });
    await copyAtomically(key.publicKey, keyring);
  }
  await writeAtomically(join(listDir, APT_SOURCES_NAME), aptSources({ signed: options.signed }));
  return repoDir;
}

async function writeAtomically(path, data) {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, data, { mode: 0o644 });
  await chmod(temp, 0o644);
  await rename(temp, path);
}

async function copyAtomically(from, to) {
  const temp = `${to}.tmp-${process.pid}`;
  await copyFile(from, temp);
  await chmod(temp, 0o644);
  await rename(temp, to);
}
