import { describe, expect, it } from 'vitest';
import { makePalette, PLAIN } from '../../../../src/cli/render/palette.js';

describe('the palette', () => {
  const c = makePalette(true);

  it('wraps a text in the 16-colour SGR codes, and leaves it alone without colour', () => {
    expect(c.added('new')).toBe('\u001b[32mnew\u001b[39m');
    expect(c.removed('old')).toBe('\u001b[31mold\u001b[39m');
    expect(c.heading('Files')).toBe('\u001b[1mFiles\u001b[22m');
    expect(c.warning('capped')).toBe('\u001b[33m\u001b[1mcapped\u001b[22m\u001b[39m');
    expect(PLAIN.added('new')).toBe('new');
    expect(makePalette(false).warning('capped')).toBe('capped');
  });

  it('opens a style again after a nested one of the same kind closed, and at every line break', () => {
    expect(c.changed(`a ${c.added('b')} c`)).toBe('\u001b[33ma \u001b[32mb\u001b[39m\u001b[33m c\u001b[39m');
    expect(c.dim('one\ntwo')).toBe('\u001b[2mone\u001b[22m\n\u001b[2mtwo\u001b[22m');
  });

  it('adds nothing to an empty text', () => {
    expect(c.added('')).toBe('');
  });
});
