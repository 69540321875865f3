// The Node modules the installed tool loads at run time, and which npm packages its files
// come from (for the copyright file). The bundle (dist/cli/bundle.cjs) holds everything but
// its externals, better-sqlite3 and etcd3 (scripts/bundle-cli.mjs); those are shipped as
// packages under /usr/lib/transactional-update/node_modules with what they require.
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The bundle's externals: what it require()s from node_modules. */
export const EXTERNAL_MODULES = ['better-sqlite3', 'etcd3'];

/**
 * Dependencies that the tool never loads, with the reason; nothing below them is shipped
 * unless another shipped package needs it too.
 */
const NOT_AT_RUN_TIME = new Map([
  // better-sqlite3's install step, which downloads a prebuilt addon: the package carries it.
  ['prebuild-install', 'install time only'],
  // Type declarations that protobufjs lists among its dependencies.
  ['@types/node', 'type declarations'],
  // Only @grpc/proto-loader's code generator (its bin/) uses yargs; the library does not.
  ['yargs', "@grpc/proto-loader's code generator"],
]);

/** better-sqlite3 needs its JavaScript, its manifest and the compiled addon, not its sources. */
const BETTER_SQLITE3_FILES = ['package.json', 'lib', 'build/Release/better_sqlite3.node'];

export const ADDON_PATH = 'better-sqlite3/build/Release/better_sqlite3.node';

function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/**
 * Where Node finds package `name` required from the package at `from` (a path relative to
 * modulesDir): from's own node_modules, then each enclosing one up to modulesDir.
 */
function resolvePackage(modulesDir, from, name) {
  const parts = from ? from.split('/node_modules/') : [];
  for (let depth = parts.length; depth >= 0; depth -= 1) {
    const base = parts.slice(0, depth).join('/node_modules/');
    const candidate = base ? `${base}/node_modules/${name}` : name;
    if (existsSync(join(modulesDir, candidate, 'package.json'))) return candidate;
  }
  throw new Error(`package: ${name} (needed by ${from || 'the bundle'}) is missing from ${modulesDir} (run npm ci)`);
}

/**
 * The externals and everything they depend on at run time: package directories relative to
 * modulesDir (a nested one, e.g. @grpc/grpc-js/node_modules/@grpc/proto-loader, where npm
 * installed another version for one package), sorted.
 */
export function runtimeModules(modulesDir) {
  const seen = new Set();
  const visit = (from, name) => {
    if (NOT_AT_RUN_TIME.has(name)) return;
    const dir = resolvePackage(modulesDir, from, name);
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const dep of Object.keys(readManifest(join(modulesDir, dir)).dependencies ?? {})) visit(dir, dep);
  };
  for (const name of EXTERNAL_MODULES) visit('', name);
  return [...seen].sort();
}

/** The package name of a directory from runtimeModules (its last path below node_modules). */
export function packageName(dir) {
  return dir.split('/node_modules/').at(-1);
}

/**
 * Files of a shipped package that nothing runs: typings, source maps, docs, tests, CLIs, and
 * licence files (their text is in the package's copyright file, where Debian keeps it).
 * `inside` is the path below the package's directory ('' for the directory itself).
 */
function isShipped(name, inside) {
  const parts = inside.split('/').filter(Boolean);
  // Nested packages are copied as packages of their own (when they are needed at all).
  if (parts.includes('node_modules')) return false;
  const base = parts.at(-1) ?? '';
  if (parts.some((p) => ['test', 'tests', '__tests__', '.github', 'doc', 'docs'].includes(p))) return false;
  if (/^(licen[cs]e|copying|notice)([.-].*)?$/i.test(base)) return false;
  if (/\.(d\.ts|d\.mts|d\.cts|map|md|markdown)$/i.test(base)) return false;
  if (/^(tsconfig.*\.json|\.npmignore|\.eslintrc.*|\.travis\.yml)$/.test(base)) return false;
  // @grpc/proto-loader's code generator (it needs yargs, which is not shipped).
  if (name === '@grpc/proto-loader' && inside.startsWith('/build/bin')) return false;
  return true;
}

/** Copy the runtime modules into targetDir (…/node_modules). */
export function copyRuntimeModules(modulesDir, targetDir) {
  const names = runtimeModules(modulesDir);
  for (const name of names) {
    const from = join(modulesDir, name);
    const to = join(targetDir, name);
    if (packageName(name) === 'better-sqlite3') {
      for (const part of BETTER_SQLITE3_FILES) {
        if (!existsSync(join(from, part))) throw new Error(`package: ${join(from, part)} is missing (npm ci builds it)`);
        cpSync(join(from, part), join(to, part), { recursive: true, filter: (src) => isShipped('better-sqlite3', src.slice(from.length)) });
      }
      continue;
    }
    cpSync(from, to, {
      recursive: true,
      filter: (src) => isShipped(packageName(name), src.slice(from.length)),
    });
  }
  return names;
}

/** npm packages whose code esbuild put into the bundle, from its source map. */
export function bundledModules(sourceMapFile) {
  const map = JSON.parse(readFileSync(sourceMapFile, 'utf8'));
  const names = new Set();
  for (const source of map.sources) {
    const m = /(?:^|\/)node_modules\/((?:(?:@[^/]+\/)?[^/]+\/node_modules\/)*(?:@[^/]+\/)?[^/]+)\//.exec(source);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

/** Licence and copyright of an npm package (a directory below modulesDir), from its package.json and licence file. */
export function moduleLicence(modulesDir, path) {
  const dir = join(modulesDir, path);
  const manifest = readManifest(dir);
  const name = manifest.name;
  const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f) && statSync(join(dir, f)).isFile());
  const text = file ? readFileSync(join(dir, file), 'utf8') : '';
  const line = /^[\s#*]*Copyright\s*(?:\(c\)|©)\s*(.+)$/im.exec(text)?.[1]?.replace(/[`*]/g, '').trim();
  const author = typeof manifest.author === 'string' ? manifest.author : manifest.author?.name;
  const licence = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type;
  if (!licence) throw new Error(`package: ${name} names no licence in its package.json`);
  return { name, version: manifest.version, licence, copyright: line || author || `the authors of ${name}` };
}
