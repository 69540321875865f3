// Bundles the command line (src/cli/main.ts) into dist/cli: Node's module loader spends more
// on resolving and compiling a few hundred small ES modules than `list` spends on its work.
// Code behind dynamic imports (fleet/etcd, the send-stream comparison) goes into chunks that
// load only when a command needs them. better-sqlite3 (a native addon) and etcd3 (gRPC,
// loaded only by the fleet commands) stay in node_modules.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

const outdir = 'dist/cli';
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints: { main: 'src/cli/main.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['better-sqlite3', 'etcd3'],
  // Bundled CommonJS packages (commander) call require() for Node's own modules.
  banner: { js: "import { createRequire as __tuCreateRequire } from 'node:module';\nconst require = __tuCreateRequire(import.meta.url);" },
  metafile: true,
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// The chroot entry script is found beside the module that runs it (src/chroot/run.ts):
// copy it beside whichever output file holds that module.
const runner = Object.entries(result.metafile.outputs).find(([, out]) => 'src/chroot/run.ts' in out.inputs);
if (!runner) throw new Error('bundle-cli: src/chroot/run.ts is in no output file');
const script = join(dirname(runner[0]), 'enter.sh');
copyFileSync('src/chroot/enter.sh', script);
chmodSync(script, 0o755);
chmodSync(join(outdir, 'main.js'), 0o755);
