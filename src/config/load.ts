/**
 * Loading the configuration files of a system, in order, later values winning:
 *   <root>/usr/etc/transactional-update.conf          (the vendor's defaults)
 *   <root>/usr/etc/transactional-update.conf.d/*.conf  \ merged, sorted by file name; a file in
 *   <root>/etc/transactional-update.conf.d/*.conf      / /etc replaces the /usr/etc one of that name
 *   <root>/etc/transactional-update.conf              (the administrator's file)
 * An explicit file (--config) replaces the whole search. Missing files are skipped; an
 * unreadable one is an error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TuError, errorMessage } from '../errors.js';
import { escapeControl } from '../util/escape.js';
import { parseShellConfig } from './parseShellConfig.js';

export interface ConfigValues {
  values: Record<string, string>;
  sources: Record<string, string> /* key -> file it came from */;
}

export const CONFIG_NAME = 'transactional-update.conf';

export function loadConfig(options: { root: string; file?: string }): ConfigValues {
  const files = options.file !== undefined ? [explicitFile(options.file)] : configFiles(options.root);
  const config: ConfigValues = { values: {}, sources: {} };
  for (const file of files) {
    const text = readConfigFile(file);
    if (text === undefined) continue;
    for (const { key, value } of parseShellConfig(text, file)) {
      config.values[key] = value;
      config.sources[key] = file;
    }
  }
  return config;
}

/** The files of the search, in reading order (some may not exist). */
export function configFiles(root: string): string[] {
  const usrEtc = join(root, 'usr', 'etc');
  const etc = join(root, 'etc');
  return [
    join(usrEtc, CONFIG_NAME),
    ...dropIns([join(usrEtc, `${CONFIG_NAME}.d`), join(etc, `${CONFIG_NAME}.d`)]),
    join(etc, CONFIG_NAME),
  ];
}

/** Drop-ins of all directories by file name; a later directory replaces an earlier's file of the same name. */
function dropIns(dirs: string[]): string[] {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    for (const name of listConfNames(dir)) byName.set(name, join(dir, name));
  }
  // Plain code-unit order, like systemd's and econf's, independent of the locale.
  return [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((name) => byName.get(name)!);
}

function listConfNames(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
    throw new TuError(`cannot read the configuration directory ${escapeControl(dir)}: ${errorMessage(error)}`);
  }
  return names.filter((name) => name.endsWith('.conf') && !name.startsWith('.'));
}

function explicitFile(file: string): string {
  try {
    if (statSync(file).isDirectory()) throw new TuError(`the configuration file ${escapeControl(file)} is a directory`);
  } catch (error) {
    if (error instanceof TuError) throw error;
    if (isCode(error, 'ENOENT')) {
      throw new TuError(`the configuration file ${escapeControl(file)} does not exist`, { hint: 'check the path given to --config' });
    }
    throw new TuError(`cannot read the configuration file ${escapeControl(file)}: ${errorMessage(error)}`);
  }
  return file;
}

/** The file's text, or undefined when it does not exist (a name in a search that is not there). */
function readConfigFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    // A directory where a file is expected is as wrong as an unreadable file.
    throw new TuError(`cannot read the configuration file ${escapeControl(file)}: ${errorMessage(error)}`);
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
