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

/**
 * A check has two halves: `test` answers valid or not without building anything (a manifest
 * of 30,000 files is read on every `diff`: no path strings, no arrays), and `report` runs only
 * when `test` said no, naming every problem with its place ("manifest.files[3].path").
 */
interface Check {
  test(value: unknown): boolean;
  report(value: unknown, at: string, problems: string[]): void;
}

const FILE_CHANGES = ['created', 'deleted', 'modified', 'type-changed'];
const PACKAGE_CHANGES = ['installed', 'removed', 'upgraded', 'downgraded'];
const FILE_TYPES = ['file', 'directory', 'symlink', 'fifo', 'socket', 'char-device', 'block-device'];
const WITHHELD = ['not-world-readable', 'binary', 'too-large', 'capped'];
const MODIFICATIONS = ['content', 'permissions', 'owner', 'group', 'xattrs', 'acl'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A check of one value, its message when it fails. */
function simple(test: (v: unknown) => boolean, message: string): Check {
  return {
    test,
    report(v, at, p) {
      if (!test(v)) p.push(`${at} ${message}`);
    },
  };
}

const string = simple((v) => typeof v === 'string', 'must be a string');
const nullableString = simple((v) => v === null || typeof v === 'string', 'must be a string or null');
const integer = simple((v) => Number.isInteger(v), 'must be an integer');
const nullableNumber = simple((v) => v === null || (Number.isInteger(v) && (v as number) >= 0), 'must be a snapshot number or null');
const boolean = simple((v) => typeof v === 'boolean', 'must be true or false');
const oneOf = (values: string[]): Check => {
  const set = new Set(values);
  return simple((v) => typeof v === 'string' && set.has(v), `must be one of ${values.join(', ')}`);
};
const absolutePath = simple((v) => typeof v === 'string' && v.charCodeAt(0) === 47, 'must be an absolute path');

const arrayOf = (item: Check): Check => ({
  test(v) {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!item.test(v[i])) return false;
    return true;
  },
  report(v, at, p) {
    if (!Array.isArray(v)) p.push(`${at} must be an array`);
    else v.forEach((x, i) => item.report(x, `${at}[${i}]`, p));
  },
});

function object(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  const requiredEntries = Object.entries(required);
  const optionalEntries = Object.entries(optional);
  return {
    test(v) {
      if (!isObject(v)) return false;
      for (const [key, check] of requiredEntries) if (!(key in v) || !check.test(v[key])) return false;
      for (const [key, check] of optionalEntries) {
        const value = v[key];
        if (value !== undefined && !check.test(value)) return false;
      }
      return true;
    },
    report(v, at, p) {
      if (!isObject(v)) {
        p.push(`${at} must be an object`);
        return;
      }
      for (const [key, check] of requiredEntries) {
        if (!(key in v)) p.push(`${at}.${key} is missing`);
        else check.report(v[key], `${at}.${key}`, p);
      }
      for (const [key, check] of optionalEntries) {
        if (key in v && v[key] !== undefined) check.report(v[key], `${at}.${key}`, p);
      }
    },
  };
}

const modification: Check = {
  test(v) {
    if (!isObject(v)) return false;
    for (const key in v) if (!MODIFICATIONS.includes(key) || typeof v[key] !== 'boolean') return false;
    return true;
  },
  report(v, at, p) {
    if (!isObject(v)) {
      p.push(`${at} must be an object`);
      return;
    }
    for (const [key, flag] of Object.entries(v)) {
      if (!MODIFICATIONS.includes(key)) p.push(`${at}.${key} is not a known modification`);
      else boolean.report(flag, `${at}.${key}`, p);
    }
  },
};

const fileChangeFields = object(
  { path: absolutePath, change: oneOf(FILE_CHANGES) },
  { pathBase64: string, modified: modification, oldType: oneOf(FILE_TYPES), newType: oneOf(FILE_TYPES), from: absolutePath },
);
const FILE_TYPE_SET = new Set(FILE_TYPES);
const isPath = (v: unknown) => typeof v === 'string' && v.charCodeAt(0) === 47;

/**
 * A file change, the one item a manifest holds tens of thousands of: its test reads each field
 * by name (objects parsed from one file share their shape, so these reads stay fast), the
 * same rules as fileChangeFields, which reports.
 */
const fileChange: Check = {
  test(v) {
    if (!isObject(v)) return false;
    if (!isPath(v.path)) return false;
    const change = v.change;
    if (change !== 'modified' && change !== 'created' && change !== 'deleted' && change !== 'type-changed') return false;
    if (v.modified !== undefined && !modification.test(v.modified)) return false;
    if (v.pathBase64 !== undefined && typeof v.pathBase64 !== 'string') return false;
    if (v.oldType !== undefined && !(typeof v.oldType === 'string' && FILE_TYPE_SET.has(v.oldType))) return false;
    if (v.newType !== undefined && !(typeof v.newType === 'string' && FILE_TYPE_SET.has(v.newType))) return false;
    if (v.from !== undefined && !isPath(v.from)) return false;
    return true;
  },
  report: fileChangeFields.report,
};

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
  if (!manifestV1.test(value)) manifestV1.report(value, 'manifest', problems);
  if (problems.length === 0 && (value as { schemaVersion: number }).schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    problems.push(`manifest.schemaVersion must be ${MANIFEST_SCHEMA_VERSION}`);
  }
  if (problems.length > 0) throw new ManifestInvalidError(problems);
  return value as Manifest;
}
