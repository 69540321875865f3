/**
 * manifest.json beside info.xml: the source of truth for what a snapshot changed. Written
 * atomically (temp file, fsync, rename, directory fsync) so a crash leaves the old file or the
 * new one; read back through validation.
 */
import { TuError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { escapeControl } from '../util/escape.js';
import { readTextIfExists } from '../util/files.js';
import type { Manifest } from './types.js';
import { ManifestInvalidError, validateManifest } from './validate.js';

/** Where a store keeps snapshot N's manifest (SnapshotStore satisfies this). */
export interface ManifestLocator {
  readonly dir: string;
  paths(number: number): { manifest: string; dir: string };
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(validateManifest(manifest), null, 1)}\n`;
}

export function writeManifest(store: ManifestLocator, manifest: Manifest): void {
  writeFileAtomic(store.paths(manifest.number).manifest, serializeManifest(manifest), 0o644);
}

/** The manifest of snapshot N, undefined when it has none; TuError when it is unreadable or invalid. */
export function readManifest(store: ManifestLocator, number: number): Manifest | undefined {
  const path = store.paths(number).manifest;
  const text = readTextIfExists(path);
  return text === undefined ? undefined : parseManifest(text, path, number);
}

export function parseManifest(text: string, path: string, number: number): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the file's text in its message: detail only, and escaped.
    throw new TuError(`${escapeControl(path)} is not valid JSON`, {
      hint: `delete it to have the manifest of snapshot ${number} computed again`,
      detail: escapeControl((error as Error).message),
    });
  }
  try {
    const manifest = validateManifest(value);
    if (manifest.number !== number) throw new ManifestInvalidError([`it describes snapshot ${manifest.number}, not ${number}`]);
    return manifest;
  } catch (error) {
    if (!(error instanceof ManifestInvalidError)) throw error;
    throw new TuError(`${escapeControl(path)}: ${escapeControl(error.message)}`, {
      hint: `delete it to have the manifest of snapshot ${number} computed again`,
      detail: error.problems.map(escapeControl).join('\n'),
    });
  }
}
