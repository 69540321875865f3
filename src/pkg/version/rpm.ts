/**
 * RPM version ordering (rpm 4.18 rpmio/rpmvercmp.c and rpmverCmp): [epoch:]version[-release].
 * Segments are runs of ASCII digits or letters; numbers beat letters; `~` sorts before
 * everything (pre-releases), `^` sorts after the base version but before anything else that
 * follows it (snapshots). Epoch compares as a number, missing = 0; then the release, where a
 * version with one is newer than the same version without.
 */

export interface Evr {
  epoch: number;
  version: string;
  release: string | undefined;
}

/** Split "[epoch:]version[-release]" as rpm's rpmverParse does. */
export function parseEvr(evr: string): Evr {
  let rest = evr.trim();
  let epoch = 0;
  const epochMatch = /^(\d*):/.exec(rest);
  if (epochMatch) {
    epoch = Number.parseInt(epochMatch[1] || '0', 10);
    rest = rest.slice(epochMatch[0].length);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
  return { epoch, version: rest, release: undefined };
}

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isAlpha = (ch: string | undefined): boolean =>
  ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
const isAlnum = (ch: string | undefined): boolean => isDigit(ch) || isAlpha(ch);

/** rpmvercmp: compare one version or release string. Returns -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;

    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }

    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }

    if (!(i < a.length && j < b.length)) break;

    const numeric = isDigit(a[i]);
    const matches = numeric ? isDigit : isAlpha;
    let endA = i;
    let endB = j;
    while (endA < a.length && matches(a[endA])) endA++;
    while (endB < b.length && matches(b[endB])) endB++;

    // A numeric segment facing an alpha one: the numeric one is newer.
    if (endB === j) return numeric ? 1 : -1;

    let segA = a.slice(i, endA);
    let segB = b.slice(j, endB);
    if (numeric) {
      segA = segA.replace(/^0+/, '');
      segB = segB.replace(/^0+/, '');
      if (segA.length !== segB.length) return segA.length > segB.length ? 1 : -1;
    }
    if (segA !== segB) return segA < segB ? -1 : 1;
    i = endA;
    j = endB;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

/** Compare two full EVR strings as rpm does for installed packages. */
export function compareRpmVersions(a: string, b: string): number {
  const ea = parseEvr(a);
  const eb = parseEvr(b);
  if (ea.epoch !== eb.epoch) return ea.epoch > eb.epoch ? 1 : -1;
  const version = rpmvercmp(ea.version, eb.version);
  if (version !== 0) return version;
  if (ea.release !== undefined && eb.release !== undefined) return rpmvercmp(ea.release, eb.release);
  // rpm 4.18's rpm.vercmp (recorded): a release, even an empty one, beats none.
  if (ea.release !== eb.release) return ea.release === undefined ? -1 : 1;
  return 0;
}
