/**
 * The minimal Debian root an image starts from: made once with mmdebstrap and cached as a
 * tarball under /var/cache/transactional-update/, so the next image takes seconds.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TuError } from '../errors.js';
import { run } from '../util/exec.js';
import { log } from '../util/log.js';

export const ROOTFS_CACHE_DIR = '/var/cache/transactional-update';

export interface RootfsSpec {
  suite: string;
  include: string[];
  mirror?: string;
}

export function rootfsCachePath(spec: RootfsSpec, cacheDir = ROOTFS_CACHE_DIR): string {
  const include = [...new Set(spec.include)].sort();
  const key = createHash('sha256').update(JSON.stringify({ suite: spec.suite, include, mirror: spec.mirror ?? '' })).digest('hex').slice(0, 16);
  return join(cacheDir, `rootfs-${spec.suite}-${key}.tar`);
}

export async function ensureRootfsTarball(spec: RootfsSpec, cacheDir = ROOTFS_CACHE_DIR): Promise<string> {
  const target = rootfsCachePath(spec, cacheDir);
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${target}.tmp-${process.pid}.tar`;
  log.step(`building the ${spec.suite} root with mmdebstrap (cached as ${target})`);
  const include = [...new Set(spec.include)].sort();
  const args = ['--variant=minbase', '--quiet', ...(include.length ? [`--include=${include.join(',')}`] : []), spec.suite, tmp];
  if (spec.mirror) args.push(spec.mirror);
  try {
    await run('mmdebstrap', args);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new TuError(`could not build the ${spec.suite} root with mmdebstrap`, {
      hint: 'check the network connection to the Debian mirror and the package names given to --include',
      cause: error,
      detail: error instanceof TuError ? error.detail : undefined,
    });
  }
  renameSync(tmp, target);
  return target;
}
