/**
 * Debian version ordering, as dpkg does it (lib/dpkg/version.c: dpkg_version_compare):
 * [epoch:]upstream[-revision]; the epoch compares as a number, upstream and revision with
 * verrevcmp, where `~` sorts before everything, even the end of the string, and letters
 * sort before all other non-digits.
 */

export interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** Split a version as dpkg's parseversion does: epoch before the first ':', revision after the last '-'. */
export function parseDebVersion(version: string): DebVersion {
  const text = version.trim();
  const colon = text.indexOf(':');
  let epoch = 0;
  let rest = text;
  if (colon >= 0) {
    epoch = Number.parseInt(text.slice(0, colon), 10) || 0;
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) return { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
  return { epoch, upstream: rest, revision: '' };
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function isAlpha(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/** dpkg's order(): weight of one character in a non-digit run (undefined = end of string). */
function order(ch: string | undefined): number {
  if (ch === undefined || isDigit(ch)) return 0;
  if (isAlpha(ch)) return ch.charCodeAt(0);
  if (ch === '~') return -1;
  return ch.charCodeAt(0) + 256;
}

/** dpkg's verrevcmp on one part (upstream or revision). */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (i < a.length && isDigit(a[i]!) && j < b.length && isDigit(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a[i]!)) return 1;
    if (j < b.length && isDigit(b[j]!)) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** Compare two Debian versions: negative, zero or positive (sign only is meaningful). */
export function compareDebVersions(a: string, b: string): number {
  const va = parseDebVersion(a);
  const vb = parseDebVersion(b);
  if (va.epoch !== vb.epoch) return va.epoch > vb.epoch ? 1 : -1;
  const upstream = verrevcmp(va.upstream, vb.upstream);
  if (upstream !== 0) return Math.sign(upstream);
  return Math.sign(verrevcmp(va.revision, vb.revision));
}
