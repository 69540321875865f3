import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInfo, serializeInfo, formatSnapperDate, parseSnapperDate } from '../../../src/snapshots/infoXml.js';

const snapperWritten = readFileSync('fixtures/snapper/info-snapper.xml', 'utf8');

describe('snapper info.xml', () => {
  it('reads what snapper itself wrote', () => {
    const info = parseInfo(snapperWritten);
    expect(info).toEqual({
      type: 'single',
      num: 5,
      date: new Date(Date.UTC(2026, 10, 22, 5, 53, 34)),
      description: 'made by snapper',
      cleanup: 'number',
      userdata: { important: 'yes', tool: 'snapper' },
    });
  });

  it('writes exactly snapper\'s layout: one element per line, two-space indent', () => {
    expect(serializeInfo(parseInfo(snapperWritten))).toBe(snapperWritten);
  });

  it('round-trips our own marker and escapes XML in descriptions', () => {
    const ours = parseInfo(readFileSync('fixtures/snapper/info-ours.xml', 'utf8'));
    expect(ours.userdata['transactional-update']).toBe('yes');
    const text = serializeInfo({ ...ours, description: 'run sh -c "a < b && c"\nsecond line' });
    expect(text).toContain('<description>run sh -c "a &lt; b &amp;&amp; c" second line</description>');
    expect(parseInfo(text).description).toBe('run sh -c "a < b && c" second line');
  });

  it('keeps a description one line of text: C0, DEL and C1 controls become spaces, written or read', () => {
    const ours = parseInfo(readFileSync('fixtures/snapper/info-ours.xml', 'utf8'));
    const text = serializeInfo({ ...ours, description: 'a\u001b[31mb\u009bc\u007fd' });
    expect(text).toContain('<description>a [31mb c d</description>');
    // A foreign info.xml may hold them raw.
    const foreign = text.replace('a [31mb c d', 'x\u001b]0;t\u0007y\u009b2J');
    expect(parseInfo(foreign).description).toBe('x ]0;t y 2J');
  });

  it('refuses an empty or truncated info.xml', () => {
    const whole = readFileSync('fixtures/snapper/info-ours.xml', 'utf8');
    expect(() => parseInfo('')).toThrow(/not a snapper info.xml/);
    expect(() => parseInfo(whole.slice(0, 60))).toThrow(/not a snapper info.xml/);
  });

  it('refuses userdata snapper could not store', () => {
    const base = parseInfo(snapperWritten);
    expect(() => serializeInfo({ ...base, userdata: { 'a,b': 'x' } })).toThrow(/invalid snapper userdata/);
    expect(() => serializeInfo({ ...base, userdata: { a: 'x=y' } })).toThrow(/invalid snapper userdata/);
  });

  it('formats and parses UTC dates', () => {
    expect(formatSnapperDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02 03:04:05');
    expect(parseSnapperDate('2026-11-22 04:00:00').toISOString()).toBe('2026-11-22T04:00:00.000Z');
    expect(() => parseSnapperDate('yesterday')).toThrow();
  });
});
