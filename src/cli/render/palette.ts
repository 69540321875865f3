/**
 * Colours only on a terminal: piped output, NO_COLOR and --json get plain text. The palette
 * is passed to every renderer so rendering stays a pure function of its input.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Palette {
  added: (text: string) => string;
  removed: (text: string) => string;
  changed: (text: string) => string;
  heading: (text: string) => string;
  dim: (text: string) => string;
  hunk: (text: string) => string;
  warning: (text: string) => string;
}

export function makePalette(color: boolean): Palette {
  const c: ChalkInstance = new Chalk({ level: color ? 1 : 0 });
  return {
    added: c.green,
    removed: c.red,
    changed: c.yellow,
    heading: c.bold,
    dim: c.dim,
    hunk: c.cyan,
    warning: c.yellow.bold,
  };
}

/** Colour when the stream is a terminal and the user did not opt out (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export const PLAIN: Palette = makePalette(false);
