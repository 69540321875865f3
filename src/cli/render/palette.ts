/**
 * Colours only on a terminal: piped output, NO_COLOR and --json get plain text. The palette
 * is passed to every renderer so rendering stays a pure function of its input.
 */
export interface Palette {
  added: (text: string) => string;
  removed: (text: string) => string;
  changed: (text: string) => string;
  heading: (text: string) => string;
  dim: (text: string) => string;
  hunk: (text: string) => string;
  warning: (text: string) => string;
}

/**
 * An SGR style: `open` before the text, `close` after it. A close of the same kind inside the
 * text (a style nested in this one) would end this one early, so the style is opened again
 * after it; at a line break it is closed and opened again, so that a pager showing one line
 * alone shows it right. Nothing is added to an empty text.
 */
function style(open: string, close: string): (text: string) => string {
  const on = `\u001b[${open}m`;
  const off = `\u001b[${close}m`;
  return (text) => {
    if (text === '') return '';
    const inner = text.replaceAll(off, `${off}${on}`).replace(/\r?\n/g, (br) => `${off}${br}${on}`);
    return `${on}${inner}${off}`;
  };
}

const plain = (text: string): string => text;

/** The 16 basic colours every terminal has; none at all when `color` is false. */
export function makePalette(color: boolean): Palette {
  if (!color) return { added: plain, removed: plain, changed: plain, heading: plain, dim: plain, hunk: plain, warning: plain };
  const yellow = style('33', '39');
  const bold = style('1', '22');
  return {
    added: style('32', '39'),
    removed: style('31', '39'),
    changed: yellow,
    heading: bold,
    dim: style('2', '22'),
    hunk: style('36', '39'),
    warning: (text) => yellow(bold(text)),
  };
}

/** Colour when the stream is a terminal and the user did not opt out (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export const PLAIN: Palette = makePalette(false);
