/**
 * The installed entry point (dist/cli/main.cjs): runs the bundled command line
 * (dist/cli/bundle.cjs) through V8's code cache, so a start does not pre-parse the whole
 * bundle. scripts/bundle-cli.mjs builds it as CommonJS (an ES module entry would start
 * Node's ES module loader first) and sets the bundle's content hash.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { commandWord } from './argv.js';
import { codeCacheFile, DEFAULT_CODE_CACHE_DIR, readCodeCache, writeCodeCache } from './codeCache.js';
import { setRunningBuild } from './runningBuild.js';

declare const __TU_BUNDLE_HASH__: string;

interface BundleExports {
  main(argv: string[]): Promise<number>;
}

/** TU_CODE_CACHE_DIR overrides the directory; empty turns the cache off. Only root uses the default. */
function cacheDirectory(): string | undefined {
  const configured = process.env.TU_CODE_CACHE_DIR;
  if (configured !== undefined) return configured === '' ? undefined : configured;
  return process.getuid?.() === 0 ? DEFAULT_CODE_CACHE_DIR : undefined;
}

function launch(): void {
  const here = __dirname;
  const bundle = join(here, 'bundle.cjs');
  const argv = process.argv.slice(2);
  const dir = cacheDirectory();
  const cacheFile = dir === undefined ? undefined : codeCacheFile(dir, commandWord(argv));
  const key = { bundleHash: __TU_BUNDLE_HASH__ };
  setRunningBuild(key.bundleHash);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile, key);

  const source = readFileSync(bundle, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __tuModuleUrl) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as BundleExports };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports, createRequire(bundle), module, bundle, here, pathToFileURL(bundle).href,
  );

  void module.exports.main(argv).then((code) => {
    process.exitCode = code;
    // Made after the run, the data holds every function the command compiled.
    if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
      writeCodeCache(cacheFile, key, script.createCachedData());
    }
  });
}

launch();
