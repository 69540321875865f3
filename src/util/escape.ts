/**
 * Escaping of untrusted text (paths, names from a file system or a user) before it is
 * printed to a terminal: control characters and invalid UTF-8 never reach the screen raw.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f\\]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\\]/;

/** Escape control characters (C0, DEL, C1) and backslashes as \n, \t, \xNN. */
export function escapeControl(text: string): string {
  // Most text has nothing to escape: a test is cheaper than a replace with a callback.
  if (!HAS_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (ch) => {
    switch (ch) {
      case '\\': return '\\\\';
      case '\n': return '\\n';
      case '\t': return '\\t';
      case '\r': return '\\r';
      default: return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

/**
 * Decode a file name given as bytes for display: valid UTF-8 is kept (control characters
 * escaped), every byte of an invalid sequence becomes \xNN.
 */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = utf8SequenceLength(bytes, i);
    if (len === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    } else {
      out += escapeControl(Buffer.from(bytes.subarray(i, i + len)).toString('utf8'));
      i += len;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at i, or 0 if none is valid there. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xe0 && c1 < 0xa0) return 0;
    if (c === 0xed && c1 > 0x9f) return 0;
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const c1 = b[i + 1]!;
    if (c === 0xf0 && c1 < 0x90) return 0;
    if (c === 0xf4 && c1 > 0x8f) return 0;
    return 4;
  }
  return 0;
}

/** True when the text holds a control character (refused in package arguments and keys). */
export function hasControlCharacters(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}
