// `npm run package [-- --version V] [-- --out DIR]`: the Debian package of the built tool,
// transactional-update_<version>_<arch>.deb, from dist/ (run `npm run build` first).
//
//   /usr/sbin/transactional-update           runs the bundle with the system's /usr/bin/node
//   /usr/lib/transactional-update/           main.cjs, bundle.cjs, tu_native.node, tu-enter, node_modules/
//   /usr/lib/systemd/system/                 the units (enabled by the maintainer scripts)
//   /usr/share/man/man{5,8}/                 the man pages
//   /usr/etc/transactional-update.conf       the vendor's defaults (transactional-update.conf(5))
//   /usr/share/doc/transactional-update/     copyright, changelog.gz
//   /usr/share/lintian/overrides/            packaging/debian/lintian-overrides
//
// The version is package.json's. --version V builds the same tree as version V (a test
// build, e.g. 0.1.0+test1, so that an update can be told apart): the bundle's version string
// is replaced and the launcher's bundle hash recomputed, each checked to occur exactly once.
// Nothing goes under /var, /opt or /usr/local: the package is part of the snapshot's /usr.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync, constants as zlib } from 'node:zlib';
import { parseArgs } from 'node:util';
import { ADDON_PATH, bundledModules, copyRuntimeModules, moduleLicence } from './lib/package-modules.mjs';

const PROJECT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const DEBIAN = join(PROJECT, 'packaging/debian');
const DIST_CLI = join(PROJECT, 'dist/cli');
const NAME = 'transactional-update';
const LIB = `usr/lib/${NAME}`;
const UNITS_DIR = 'usr/lib/systemd/system';
/** npm's licence names and the copyright file's (DEP-5: MIT is ambiguous, Expat is meant). */
const LICENCE_NAMES = { MIT: 'Expat', ISC: 'ISC', 'BSD-3-Clause': 'BSD-3-Clause', 'Apache-2.0': 'Apache-2.0' };

const { values: opts } = parseArgs({
  options: { version: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});

const projectVersion = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')).version;
const version = opts.version ?? projectVersion;
// Debian's native version syntax (no revision: the project packages itself).
if (!/^[0-9][A-Za-z0-9.+~]*$/.test(version)) fail(`invalid version '${version}' (a native Debian version, e.g. 0.1.0 or 0.1.0+test1)`);
const outDir = resolve(opts.out ?? join(PROJECT, 'dist'));
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

function gzipFile(from, to) {
  // gzip -9n: no name, no time stamp, so the same input makes the same bytes.
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, gzipSync(readFileSync(from), { level: zlib.Z_BEST_COMPRESSION }));
}

function install(from, to, mode) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, mode);
}

for (const file of ['main.cjs', 'bundle.cjs', 'tu_native.node', 'tu-enter', 'bundle.cjs.map']) {
  if (!existsSync(join(DIST_CLI, file))) fail(`dist/cli/${file} is missing: run 'npm run build' first`);
}
const built = execFileSync(process.execPath, [join(DIST_CLI, 'main.cjs'), '--version'], {
  encoding: 'utf8',
  env: { ...process.env, TU_CODE_CACHE_DIR: '' },
}).trim();
if (built !== projectVersion) fail(`the built tool says it is ${built}, package.json says ${projectVersion}: rebuild (npm run build)`);

const work = mkdtempSync(join(tmpdir(), 'tu-package-'));
const root = join(work, 'root');
try {
  stageProgram();
  const modules = copyRuntimeModules(join(PROJECT, 'node_modules'), join(root, LIB, 'node_modules'));
  stripAddon();
  stageSystemFiles();
  stageDocs(modules);
  stageControl();
  mkdirSync(outDir, { recursive: true });
  const deb = join(outDir, `${NAME}_${version}_${arch}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.stdout.write(`${relative(process.cwd(), deb) || deb}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The launcher, the bundle, and the tool's own addon (native/syscalls.c) and chroot entry (native/enter.c). */
function stageProgram() {
  const lib = join(root, LIB);
  mkdirSync(lib, { recursive: true });
  let bundle = readFileSync(join(DIST_CLI, 'bundle.cjs'), 'utf8');
  // Run as `node main.cjs`: the shebang for a checkout (#!/usr/bin/env node) is dropped.
  let launcher = readFileSync(join(DIST_CLI, 'main.cjs'), 'utf8').replace(/^#!.*\n/, '');
  if (version !== projectVersion) {
    const oldHash = createHash('sha256').update(bundle).digest('hex');
    bundle = replaceOnce(bundle, JSON.stringify(projectVersion), JSON.stringify(version), 'the version in bundle.cjs');
    const newHash = createHash('sha256').update(bundle).digest('hex');
    launcher = replaceOnce(launcher, oldHash, newHash, "the bundle's hash in main.cjs");
  }
  writeFileSync(join(lib, 'bundle.cjs'), bundle, { mode: 0o644 });
  writeFileSync(join(lib, 'main.cjs'), launcher, { mode: 0o644 });
  install(join(DIST_CLI, 'tu_native.node'), join(lib, 'tu_native.node'), 0o644);
  install(join(DIST_CLI, 'tu-enter'), join(lib, 'tu-enter'), 0o755);
  install(join(DEBIAN, 'transactional-update.sh'), join(root, 'usr/sbin', NAME), 0o755);
}

function replaceOnce(text, from, to, what) {
  const count = text.split(from).length - 1;
  if (count !== 1) fail(`${what}: expected ${from} once, found it ${count} times`);
  return text.replace(from, () => to);
}

/** The compiled files as Debian ships them: without debugging symbols. */
function stripAddon() {
  for (const addon of addonFiles()) {
    execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', addon]);
    chmodSync(addon, 0o644);
  }
  const enter = join(root, LIB, 'tu-enter');
  execFileSync('strip', ['--remove-section=.comment', '--remove-section=.note', enter]);
  chmodSync(enter, 0o755);
}

function addonFiles() {
  return [join(root, LIB, 'node_modules', ADDON_PATH), join(root, LIB, 'tu_native.node')];
}

function stageSystemFiles() {
  for (const unit of readdirSync(join(PROJECT, 'systemd')).filter((n) => /\.(service|timer)$/.test(n))) {
    install(join(PROJECT, 'systemd', unit), join(root, UNITS_DIR, unit), 0o644);
  }
  for (const page of readdirSync(join(PROJECT, 'man'))) {
    const section = /\.(\d)$/.exec(page)?.[1];
    if (section) gzipFile(join(PROJECT, 'man', page), join(root, `usr/share/man/man${section}`, `${page}.gz`));
  }
  install(join(DEBIAN, 'transactional-update.conf'), join(root, 'usr/etc/transactional-update.conf'), 0o644);
  install(join(DEBIAN, 'lintian-overrides'), join(root, 'usr/share/lintian/overrides', NAME), 0o644);
}

function stageDocs(shippedModules) {
  const doc = join(root, 'usr/share/doc', NAME);
  mkdirSync(doc, { recursive: true });
  writeFileSync(join(doc, 'copyright'), copyrightText(shippedModules), { mode: 0o644 });
  const changelog = join(work, 'changelog');
  writeFileSync(changelog, changelogText());
  // A native package (no Debian revision): its changelog is changelog.gz.
  gzipFile(changelog, join(doc, 'changelog.gz'));
}

/** packaging/debian/changelog, with an entry for a test build's version on top. */
function changelogText() {
  const text = readFileSync(join(DEBIAN, 'changelog'), 'utf8');
  const top = /^\S+ \(([^)]+)\)/.exec(text)?.[1];
  if (version === top) return text;
  if (version !== projectVersion) {
    const trailer = /^ -- .*$/m.exec(text)[0].replace(/ {2}.*$/, '');
    const date = new Date().toUTCString().replace('GMT', '+0000');
    return `${NAME} (${version}) unstable; urgency=medium\n\n  * Test build of ${projectVersion} as ${version}.\n\n${trailer}  ${date}\n\n${text}`;
  }
  fail(`packaging/debian/changelog's latest entry is ${top}, package.json says ${projectVersion}: add an entry`);
}

function copyrightText(shippedModules) {
  const stanza = (path, how) => {
    const m = moduleLicence(join(PROJECT, 'node_modules'), path);
    const licence = LICENCE_NAMES[m.licence];
    if (!licence) fail(`${m.name} is under ${m.licence}, which packaging/debian/copyright.in has no paragraph for`);
    const copyright = m.copyright.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s*All rights reserved\.?$/i, '');
    return `Files: node_modules/${path}/*\nCopyright: ${copyright}\nLicense: ${licence}\nComment: npm package ${m.name} ${m.version}, ${how}\n`;
  };
  const bundled = bundledModules(join(DIST_CLI, 'bundle.cjs.map'));
  const stanzas = [
    ...shippedModules.map((n) => stanza(n, 'shipped in node_modules')),
    ...bundled.filter((n) => !shippedModules.includes(n)).map((n) => stanza(n, 'bundled into bundle.cjs')),
  ];
  return readFileSync(join(DEBIAN, 'copyright.in'), 'utf8').replace('@NPM_MODULES@\n', stanzas.map((s) => `${s}\n`).join(''));
}

/** DEBIAN/: control with the computed fields, the maintainer scripts. */
function stageControl() {
  const control = join(root, 'DEBIAN');
  mkdirSync(control, { recursive: true });
  for (const script of ['postinst', 'prerm', 'postrm']) install(join(DEBIAN, script), join(control, script), 0o755);
  writeFileSync(join(control, 'md5sums'), md5sums(root), { mode: 0o644 });
  const fields = { VERSION: version, ARCH: arch, INSTALLED_SIZE: String(installedSizeKiB(root)), SHLIBS: sharedLibraryDepends() };
  const text = readFileSync(join(DEBIAN, 'control.in'), 'utf8').replace(/@([A-Z_]+)@/g, (_, key) => {
    if (!(key in fields)) fail(`control.in: unknown field @${key}@`);
    return fields[key];
  });
  writeFileSync(join(control, 'control'), text, { mode: 0o644 });
}

/** What the addons link against, as dpkg-shlibdeps says (it needs a debian/control to read). */
function sharedLibraryDepends() {
  const dir = join(work, 'shlibdeps');
  mkdirSync(join(dir, 'debian'), { recursive: true });
  writeFileSync(join(dir, 'debian/control'), `Source: ${NAME}\n\nPackage: ${NAME}\nArchitecture: any\n`);
  // Its warnings name the V8 symbols that node itself provides (an addon is a plugin).
  const out = execFileSync('dpkg-shlibdeps', ['-O', ...addonFiles(), join(root, LIB, 'tu-enter')], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const depends = /^shlibs:Depends=(.*)$/m.exec(out)?.[1]?.trim();
  if (!depends) fail(`dpkg-shlibdeps found no libraries for the addon: ${out.trim()}`);
  return depends;
}

/** DEBIAN/md5sums as dh_md5sums writes it: `<md5>  <path>` for every file, paths sorted. */
function md5sums(dir) {
  const lines = [];
  const walk = (path) => {
    for (const entry of readdirSync(path).sort()) {
      if (path === dir && entry === 'DEBIAN') continue;
      const full = join(path, entry);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) lines.push(`${createHash('md5').update(readFileSync(full)).digest('hex')}  ${relative(dir, full)}`);
    }
  };
  walk(dir);
  return `${lines.join('\n')}\n`;
}

/** Installed-Size as dpkg-gencontrol computes it: KiB per file rounded up, 1 per other entry. */
function installedSizeKiB(dir) {
  let total = 0;
  const walk = (path) => {
    for (const entry of readdirSync(path)) {
      if (path === root && entry === 'DEBIAN') continue;
      const full = join(path, entry);
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        total += 1;
        walk(full);
      } else {
        total += stat.isFile() ? Math.ceil(stat.size / 1024) : 1;
      }
    }
  };
  walk(dir);
  return total;
}
