/**
 * Validation of manifest.json (schema version 1, docs/manifest-schema.md). A manifest read
 * from disk is data from a file anyone with root may have edited: check every field before
 * it reaches the index or a terminal, and report all problems at once.
 */
import type { Manifest } from './types.js';

export const MANIFEST_SCHEMA_VERSION = 1 as const;

export class ManifestInvalidError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid manifest: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`);
    this.name = 'ManifestInvalidError';
  }
}

type Check = (value: unknown, at: string, problems: string[]) => void;

const FILE_CHANGES = ['created', 'deleted', 'modified', 'type-changed'];
const PACKAGE_CHANGES = ['installed', 'removed', 'upgraded', 'downgraded'];
const FILE_TYPES = ['file', 'directory', 'symlink', 'fifo', 'socket', 'char-device', 'block-device'];
const WITHHELD = ['not-world-readable', 'binary', 'too-large', 'capped'];
const MODIFICATIONS = ['content', 'permissions', 'owner', 'group', 'xattrs', 'acl'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v, at, p) => {
  if (typeof v !== 'string') p.push(`${at} must be a string`);
};
const nullableString: Check = (v, at, p) => {
  if (v !== null && typeof v !== 'string') p.push(`${at} must be a string or null`);
};
const integer: Check = (v, at, p) => {
  if (!Number.isInteger(v)) p.push(`${at} must be an integer`);
};
const nullableNumber: Check = (v, at, p) => {
  if (v !== null && !(Number.isInteger(v) && (v as number) >= 0)) p.push(`${at} must be a snapshot number or null`);
};
const boolean: Check = (v, at, p) => {
  if (typeof v !== 'boolean') p.push(`${at} must be true or false`);
};
const oneOf = (values: string[]): Check => (v, at, p) => {
  if (typeof v !== 'string' || !values.includes(v)) p.push(`${at} must be one of ${values.join(', ')}`);
};
const absolutePath: Check = (v, at, p) => {
  if (typeof v !== 'string' || !v.startsWith('/')) p.push(`${at} must be an absolute path`);
};
const arrayOf = (item: Check): Check => (v, at, p) => {
  if (!Array.isArray(v)) p.push(`${at} must be an array`);
  else v.forEach((x, i) => item(x, `${at}[${i}]`, p));
};

function object(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, at, p) => {
    if (!isObject(v)) {
      p.push(`${at} must be an object`);
      return;
    }
    for (const [key, check] of Object.entries(required)) {
      if (!(key in v)) p.push(`${at}.${key} is missing`);
      else check(v[key], `${at}.${key}`, p);
    }
    for (const [key, check] of Object.entries(optional)) {
      if (key in v && v[key] !== undefined) check(v[key], `${at}.${key}`, p);
    }
  };
}

const modification: Check = (v, at, p) => {
  if (!isObject(v)) {
    p.push(`${at} must be an object`);
    return;
  }
  for (const [key, flag] of Object.entries(v)) {
    if (!MODIFICATIONS.includes(key)) p.push(`${at}.${key} is not a known modification`);
    else boolean(flag, `${at}.${key}`, p);
  }
};

const fileChange = object(
  { path: absolutePath, change: oneOf(FILE_CHANGES) },
  { pathBase64: string, modified: modification, oldType: oneOf(FILE_TYPES), newType: oneOf(FILE_TYPES), from: absolutePath },
);

const packageChange = object({
  name: string,
  arch: string,
  from: nullableString,
  to: nullableString,
  change: oneOf(PACKAGE_CHANGES),
});

const configChange = object(
  { path: absolutePath, change: oneOf(FILE_CHANGES), patch: nullableString },
  { withheld: oneOf(WITHHELD) },
);

const provenance = object({
  commandLine: arrayOf(string),
  user: string,
  startedAt: string,
  endedAt: string,
  exitStatus: integer,
  baseNumber: nullableNumber,
  packageManager: nullableString,
});

const manifestV1 = object(
  {
    schemaVersion: integer,
    number: integer,
    base: nullableNumber,
    description: string,
    provenance,
    packages: arrayOf(packageChange),
    files: arrayOf(fileChange),
    config: arrayOf(configChange),
    outside: object({ etc: arrayOf(fileChange), etcConfig: arrayOf(configChange), sharedWrites: arrayOf(fileChange) }),
  },
  { computedOnDemand: boolean, truncated: object({}, { files: boolean, config: boolean }) },
);

/** The manifest, or ManifestInvalidError listing every problem. */
export function validateManifest(value: unknown): Manifest {
  if (isObject(value) && typeof value.schemaVersion === 'number' && value.schemaVersion > MANIFEST_SCHEMA_VERSION) {
    throw new ManifestInvalidError([
      `schemaVersion ${value.schemaVersion} is newer than this tool understands (${MANIFEST_SCHEMA_VERSION})`,
    ]);
  }
  const problems: string[] = [];
  manifestV1(value, 'manifest', problems);
  if (problems.length === 0 && (value as { schemaVersion: number }).schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    problems.push(`manifest.schemaVersion must be ${MANIFEST_SCHEMA_VERSION}`);
  }
  if (problems.length > 0) throw new ManifestInvalidError(problems);
  return value as Manifest;
}
