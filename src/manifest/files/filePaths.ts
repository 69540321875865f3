/** How a relative BytePath becomes the path of a FileChange: absolute, lossless, printable. */
import { isUtf8 } from 'node:buffer';
import { escapeBytes } from '../../util/escape.js';
import type { BytePath } from './fileTree.js';

export interface RenderedPath {
  /** The path as text: the UTF-8 string itself, or an escaped rendering when it is not UTF-8. */
  path: string;
  /** Set when the bytes are not UTF-8: the exact bytes, base64. */
  pathBase64?: string;
}

/** "/" + "usr/bin/x" → "/usr/bin/x"; "/etc" + "" → "/etc". */
export function absolutePathBytes(mountPrefix: string, rel: BytePath): Buffer {
  const prefix = mountPrefix.endsWith('/') ? mountPrefix.slice(0, -1) : mountPrefix;
  if (rel === '') return Buffer.from(prefix === '' ? '/' : prefix, 'utf8');
  return Buffer.concat([Buffer.from(prefix, 'utf8'), Buffer.from(`/${rel}`, 'latin1')]);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function renderPath(mountPrefix: string, rel: BytePath): RenderedPath {
  if (rel !== '' && PRINTABLE_ASCII.test(rel)) return { path: `${mountPrefix.endsWith('/') ? mountPrefix.slice(0, -1) : mountPrefix}/${rel}` };
  const bytes = absolutePathBytes(mountPrefix, rel);
  if (isUtf8(bytes)) return { path: bytes.toString('utf8') };
  return { path: escapeBytes(bytes), pathBase64: bytes.toString('base64') };
}

/** The exact bytes of a FileChange path (pathBase64 when present). */
export function fileChangePathBytes(change: { path: string; pathBase64?: string }): Buffer {
  return change.pathBase64 !== undefined ? Buffer.from(change.pathBase64, 'base64') : Buffer.from(change.path, 'utf8');
}
