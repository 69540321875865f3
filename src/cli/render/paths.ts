/** Paths and patch text from a file system, made safe for a terminal. */
import { escapeBytes, escapeControl } from '../../util/escape.js';
import type { FileChange } from '../../manifest/types.js';

/** A path as the user should see it: control characters and invalid UTF-8 escaped. */
export function displayPath(change: { path: string; pathBase64?: string }): string {
  if (change.pathBase64 !== undefined) return escapeBytes(Buffer.from(change.pathBase64, 'base64'));
  return escapeControl(change.path);
}

export function displayFrom(change: FileChange): string | undefined {
  return change.from === undefined ? undefined : escapeControl(change.from);
}

// eslint-disable-next-line no-control-regex
const PATCH_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * One line of a patch: file content may hold escape sequences, which must not reach the
 * terminal; tabs and backslashes are content and stay as they are.
 */
export function displayPatchLine(line: string): string {
  return line.replace(PATCH_CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
