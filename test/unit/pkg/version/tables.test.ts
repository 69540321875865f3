import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareDebVersions } from '../../../../src/pkg/version/deb.js';
import { comparePacmanVersions } from '../../../../src/pkg/version/pacman.js';
import { compareRpmVersions } from '../../../../src/pkg/version/rpm.js';

interface Table {
  source: string;
  cases: { a: string; b: string; result: number }[];
}

// Tables recorded from the real tools by fixtures/pkg/generate/versions.mjs.
function table(name: string): Table {
  return JSON.parse(readFileSync(new URL(`../../../../fixtures/pkg/versions/${name}.json`, import.meta.url), 'utf8')) as Table;
}

const families = [
  { name: 'deb', compare: compareDebVersions },
  { name: 'rpm', compare: compareRpmVersions },
  { name: 'pacman', compare: comparePacmanVersions },
] as const;

describe.each(families)('$name version ordering agrees with the real tool', ({ name, compare }) => {
  const { source, cases } = table(name);

  it(`has a recorded table from ${source}`, () => {
    expect(cases.length).toBeGreaterThan(300);
    expect(new Set(cases.map((c) => c.result))).toEqual(new Set([-1, 0, 1]));
  });

  it.each(cases)('$a vs $b → $result', ({ a, b, result }) => {
    expect(Math.sign(compare(a, b))).toBe(result);
    expect(Math.sign(compare(b, a))).toBe(-result || 0);
  });
});
