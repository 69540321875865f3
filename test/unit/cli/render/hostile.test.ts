/** Rendering a recorded manifest full of hostile names: nothing raw reaches the screen. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeJsonControls, formatJson, jsonLine, showJson } from '../../../../src/cli/render/json.js';
import { renderManifest } from '../../../../src/cli/render/manifestText.js';
import { PLAIN } from '../../../../src/cli/render/palette.js';
import { renderConfig } from '../../../../src/cli/render/sections.js';
import { validateManifest } from '../../../../src/manifest/validate.js';

// Recorded from a real transaction (test/faults/hostileNames.test.ts's script).
const hostile = () => validateManifest(JSON.parse(readFileSync('fixtures/manifest/recorded-hostile-manifest.json', 'utf8')));
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

describe('hostile names on the screen', () => {
  it('show escapes every name and line of content', () => {
    const text = renderManifest(hostile(), PLAIN);
    expect(RAW.exec(text)).toBeNull();
    expect(text).toContain('    /usr/share/tu-hostile/new\\nline\n');
    expect(text).toContain('    /usr/share/tu-hostile/esc\\x1b[31mred\\x1b[0m\n');
    expect(text).toContain('    /usr/share/tu-hostile/\\xff\\xfeinvalid\n');
    expect(text).toContain('    /usr/share/tu-hostile/c1-\\x9b31m\n');
  });

  it('a newline in an /etc name cannot split a patch header', () => {
    const config = hostile().config;
    expect(renderConfig(config, PLAIN)).toEqual([
      '  --- /dev/null',
      '  +++ b/etc/tu-hostile.conf',
      '  @@ -0,0 +1,3 @@',
      '  +title=\\x1b]0;pwned\\x07',
      '  +\\x1b[2Jcleared',
      '  +c1=\\x9b31m',
      '  --- /dev/null',
      '  +++ b/etc/tu-new\\nline.conf',
      '  @@ -0,0 +1,1 @@',
      '  +x=1',
    ]);
  });

  it('a header that is not the one the manifest writes is escaped line by line', () => {
    const lines = renderConfig([{ path: '/etc/x', change: 'modified', patch: '--- a/etc/y\u001b\n+++ b/etc/x\n@@ -1 +1 @@\n-a\n+b\n' }], PLAIN);
    expect(lines).toEqual(['  --- a/etc/y\\x1b', '  +++ b/etc/x', '  @@ -1 +1 @@', '  -a', '  +b']);
  });

  it('--json escapes DEL, C1 and line separators and parses back to the same names', () => {
    const value = showJson(hostile());
    for (const text of [formatJson(value), jsonLine(value)]) {
      expect(RAW.exec(text)).toBeNull();
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    }
    expect(escapeJsonControls(JSON.stringify('a\u009bb\u007f\u2028'))).toBe('"a\\u009bb\\u007f\\u2028"');
  });
});
