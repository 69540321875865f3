/** Reading small state and record files: absent is a normal answer, unreadable is an error. */
import { readFileSync } from 'node:fs';
import { TuError } from '../errors.js';
import { escapeControl } from './escape.js';

/** The file's text, or undefined when it does not exist; TuError when it cannot be read. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TuError(`cannot read ${escapeControl(path)}: ${(error as Error).message}`);
  }
}

/** A JSON object's fields, or undefined when the text is not JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}
