// The one builder of the tiny test packages (fixtures/packages/) and of the flat apt
// repository that serves them. Plain ESM so that scripts/demo runs it with node alone,
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

export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/packages');

/** Where the repository lives inside a test system, and the apt line that reaches it. */
export const REPO_PATH_IN_ROOT = '/srv/tu-repo';
export const APT_LIST_NAME = 'tu-test.list';

/** Fixed timestamp of every file in a built package, so builds are byte-identical. */
const SOURCE_DATE_EPOCH = 1767225600; // 2026-01-01 00:00:00 UTC
const MAINTAINER_SCRIPTS = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config']);

export function aptSourceLine(repoPathInRoot = REPO_PATH_IN_ROOT) {
  return `deb [trusted=yes] file:${repoPathInRoot} ./`;
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
 * Build the given packages into dir and index them as a flat repository
 * (`deb [trusted=yes] file:<dir> ./`). Returns the paths of the .debs.
 */
export async function buildRepo(dir, packages, options = {}) {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  const debs = [];
  for (const pkg of packages) debs.push(await buildPackage(pkg.name, pkg.version, dir, options));
  await scanRepo(dir);
  return debs;
}

/** Add one more package (typically a newer version) to an existing repository. */
export async function publish(repoDir, pkg, options = {}) {
  const deb = await buildPackage(pkg.name, pkg.version, repoDir, options);
  await scanRepo(repoDir);
  return deb;
}

/** (Re)write Packages, Packages.gz and Release for every .deb in dir, all versions listed. */
export async function scanRepo(dir) {
  const { stdout } = await execa('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], {
    cwd: dir,
    stripFinalNewline: false,
  });
  const gzipped = gzipSync(stdout);
  await writeAtomically(join(dir, 'Packages'), stdout);
  await writeAtomically(join(dir, 'Packages.gz'), gzipped);
  await writeAtomically(join(dir, 'Release'), releaseFile({ Packages: Buffer.from(stdout), 'Packages.gz': gzipped }));
}

/**
 * A Release file listing the indexes: without one apt probes for InRelease, Release and
 * translations and prints an Ign/Err line for each; with it apt fetches only what is listed.
 */
export function releaseFile(indexes) {
  // apt rejects a Release without a Date, and one dated in the future: use the time now.
  const date = new Date().toUTCString().replace(/GMT$/, 'UTC');
  const lines = ['Origin: transactional-update tests', 'Label: tu-test', `Date: ${date}`];
  for (const [field, algorithm] of [['MD5Sum', 'md5'], ['SHA256', 'sha256']]) {
    lines.push(`${field}:`);
    for (const [name, data] of Object.entries(indexes)) {
      lines.push(` ${createHash(algorithm).update(data).digest('hex')} ${String(data.length).padStart(8)} ${name}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Make the system mounted at root use only the local repository: the repository is
 * written to <root>/srv/tu-repo, apt gets one source for it, and the distribution's
 * sources are removed so nothing depends on the network.
 */
export async function pointAptAtLocalRepo(root, packages, options = {}) {
  const repoDir = join(root, REPO_PATH_IN_ROOT);
  await buildRepo(repoDir, packages, options);
  const aptDir = join(root, 'etc/apt');
  const listDir = join(aptDir, 'sources.list.d');
  await mkdir(listDir, { recursive: true });
  await rm(join(aptDir, 'sources.list'), { force: true });
  for (const entry of await readdir(listDir)) {
    if (entry !== APT_LIST_NAME && /\.(list|sources)$/.test(entry)) await rm(join(listDir, entry), { force: true });
  }
  await writeAtomically(join(listDir, APT_LIST_NAME), `${aptSourceLine()}\n`);
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
