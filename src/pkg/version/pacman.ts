/**
 * pacman version ordering (libalpm version.c: alpm_pkg_vercmp): [epoch:]pkgver[-pkgrel].
 * libalpm carries its own copy of rpm 4.8's rpmvercmp, which differs from today's rpm:
 * no `~`/`^` handling, separator runs of different length decide, and at the end an alpha
 * remainder never beats an empty string ("1.0a" < "1.0" but "1.0.1" > "1.0").
 */

interface PacmanEvr {
  epoch: string;
  version: string;
  release: string | undefined;
}

function parsePacmanEvr(evr: string): PacmanEvr {
  // As libalpm's parseEVR: leading digits followed by ':' are the epoch (empty → 0); the
  // release follows the last '-'.
  const epochMatch = /^(\d*):/.exec(evr);
  const epoch = epochMatch ? epochMatch[1] || '0' : '0';
  const rest = epochMatch ? evr.slice(epochMatch[0].length) : evr;
  const cut = rest.lastIndexOf('-');
  if (cut < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, cut), release: rest.slice(cut + 1) };
}

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isAlpha = (ch: string | undefined): boolean =>
  ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
const isAlnum = (ch: string | undefined): boolean => isDigit(ch) || isAlpha(ch);

/** libalpm's rpmvercmp. Returns -1, 0 or 1. */
export function alpmVercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  let segStartA = 0;
  let segStartB = 0;
  while (i < a.length && j < b.length) {
    while (i < a.length && !isAlnum(a[i])) i++;
    while (j < b.length && !isAlnum(b[j])) j++;
    if (!(i < a.length && j < b.length)) break;
    if (i - segStartA !== j - segStartB) return i - segStartA < j - segStartB ? -1 : 1;

    const numeric = isDigit(a[i]);
    const matches = numeric ? isDigit : isAlpha;
    let endA = i;
    let endB = j;
    while (endA < a.length && matches(a[endA])) endA++;
    while (endB < b.length && matches(b[endB])) endB++;
    if (endB === j) return numeric ? 1 : -1;

    let segA = a.slice(i, endA);
    let segB = b.slice(j, endB);
    if (numeric) {
      segA = segA.replace(/^0+/, '');
      segB = segB.replace(/^0+/, '');
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
    i = segStartA = endA;
    j = segStartB = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  if ((i >= a.length && !isAlpha(b[j])) || isAlpha(a[i])) return -1;
  return 1;
}

/** Compare two pacman versions as `vercmp` does. */
export function comparePacmanVersions(a: string, b: string): number {
  if (a === b) return 0;
  const ea = parsePacmanEvr(a);
  const eb = parsePacmanEvr(b);
  let result = alpmVercmp(ea.epoch, eb.epoch);
  if (result === 0) {
    result = alpmVercmp(ea.version, eb.version);
    if (result === 0 && ea.release !== undefined && eb.release !== undefined) {
      result = alpmVercmp(ea.release, eb.release);
    }
  }
  return result;
}
