// Bundles the command line into dist/cli: Node's module loader spends more on resolving and
// compiling a few hundred small ES modules than `list` spends on its work.
// - dist/cli/bundle.cjs: src/cli/main.ts and everything it imports, one CommonJS file (code
//   behind dynamic imports is initialised only when a command needs it). better-sqlite3 (a
//   native addon) and etcd3 (gRPC, loaded only by the fleet commands) stay in node_modules.
// - dist/cli/main.cjs: the launcher (src/cli/launch.ts), which compiles the bundle with V8's
//   code cache; it carries the bundle's content hash, the cache's key. CommonJS: an ES module
//   entry costs a start the ES module loader.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// execa lists process.stdin among the standard streams when it loads: Node then sets up
// stdin (a pipe or a terminal: net, tty, a socket) before a command has asked for anything,
// which costs `list` more than its own work. In the bundle the list is made on first use;
// execa reads it only when a call passes a standard stream ('inherit', process.stderr).
const STANDARD_STREAMS_EAGER = 'export const STANDARD_STREAMS = [process.stdin, process.stdout, process.stderr];';
const STANDARD_STREAMS_LAZY =
  'let standardStreams;\n' +
  'const loadStandardStreams = () => (standardStreams ??= [process.stdin, process.stdout, process.stderr]);\n' +
  'export const STANDARD_STREAMS = new Proxy([], { get: (_, key) => Reflect.get(loadStandardStreams(), key), has: (_, key) => key in loadStandardStreams() });';
const lazyStandardStreams = {
  name: 'lazy-standard-streams',
  setup(b) {
    b.onLoad({ filter: /execa[\\/]lib[\\/]utils[\\/]standard-stream\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(STANDARD_STREAMS_EAGER)) {
        throw new Error(`bundle-cli: ${args.path} changed; review the lazy standard streams patch`);
      }
      return { contents: source.replace(STANDARD_STREAMS_EAGER, STANDARD_STREAMS_LAZY), loader: 'js' };
    });
  },
};

// commander requires child_process when it loads, for executable subcommands we do not
// have: child_process brings net and the stream machinery, a few milliseconds of every start.
// In the bundle it is required on first use.
const CHILD_PROCESS_EAGER = "const childProcess = require('node:child_process');";
const CHILD_PROCESS_LAZY =
  "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
const lazyCommanderChildProcess = {
  name: 'lazy-commander-child-process',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const uses = source.match(/childProcess\.\w+/g) ?? [];
      if (!source.includes(CHILD_PROCESS_EAGER) || uses.some((u) => u !== 'childProcess.spawn')) {
        throw new Error(`bundle-cli: ${args.path} changed; review the lazy child_process patch`);
      }
      return { contents: source.replace(CHILD_PROCESS_EAGER, CHILD_PROCESS_LAZY), loader: 'js' };
    });
  },
};

const outdir = 'dist/cli';
const bundle = join(outdir, 'bundle.cjs');
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
const result = await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: bundle,
  format: 'cjs',
  external: ['better-sqlite3', 'etcd3'],
  // src/util/addon.ts finds the native files beside its module: in the bundle, beside bundle.cjs.
  // The launcher passes __tuModuleUrl with the wrapper's other arguments.
  define: { 'import.meta.url': '__tuModuleUrl' },
  plugins: [lazyStandardStreams, lazyCommanderChildProcess],
  metafile: true,
});
if (!Object.values(result.metafile.outputs).some((out) => 'src/util/addon.ts' in out.inputs)) {
  throw new Error('bundle-cli: src/util/addon.ts is not in the bundle');
}
// src/util/addon.ts finds the addon and tu-enter beside its module (npm run build made them first).
copyFileSync('native/build/tu_native.node', join(outdir, 'tu_native.node'));
copyFileSync('native/build/tu-enter', join(outdir, 'tu-enter'));
chmodSync(join(outdir, 'tu-enter'), 0o755);

const hash = createHash('sha256').update(readFileSync(bundle)).digest('hex');
await build({
  ...common,
  entryPoints: ['src/cli/launch.ts'],
  outfile: join(outdir, 'main.cjs'),
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  define: { __TU_BUNDLE_HASH__: JSON.stringify(hash) },
});
chmodSync(join(outdir, 'main.cjs'), 0o755);
// tsc's own compilations of these two are not entry points: left in place, running one would
// silently do nothing (main.ts only exports) or fail (launch.ts is CommonJS-only).
for (const stale of ['main.js', 'main.js.map', 'launch.js', 'launch.js.map']) rmSync(join(outdir, stale), { force: true });
writeFileSync(join(outdir, 'bundle.sha256'), `${hash}  bundle.cjs\n`);
