/**
 * Hostile names (issue 11 §4): file names with newlines, escape sequences, C1 controls and
 * invalid UTF-8, /etc content with terminal control sequences, a description and a command
 * line with escape sequences. `show`, `diff`, `list` and `status` print them escaped, never
 * raw, and every `--json` stays valid JSON that gives the names back exactly.
 */
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../support/requirements.js';
import type { TestSystem } from '../support/system.js';
import { snapshotNumbers } from '../integration/transaction/support.js';
import { expectNoRawControls } from './support/aftermath.js';
import { shareTestSystem } from './support/sharedSystem.js';

const skip = requireRootAndLoop();

const ESC = '\u001b';
const CSI_C1 = '\u009b';
const DIR = '/usr/share/tu-hostile';
const DESCRIPTION = `hostile ${ESC}[31mred${ESC}]0;title\u0007 ${CSI_C1}2J`;
const DESCRIPTION_STORED = 'hostile  [31mred ]0;title   2J';

/** Made inside the chroot with printf, so the bytes are exactly these (invalid UTF-8 too). */
const SCRIPT = [
  `mkdir -p ${DIR}`,
  `cd ${DIR}`,
  `touch "$(printf 'new\\nline')"`,
  `touch "$(printf 'esc\\033[31mred\\033[0m')"`,
  `touch "$(printf 'bell\\007\\015cr')"`,
  `touch "$(printf '\\377\\376invalid')"`,
  `touch "$(printf 'c1-\\302\\23331m')"`,
  `printf 'title=\\033]0;pwned\\007\\n\\033[2Jcleared\\nc1=\\302\\23331m\\n' > /etc/tu-hostile.conf`,
  `printf 'x=1\\n' > "$(printf '/etc/tu-new\\nline.conf')"`,
].join('\n');

/** What each name must look like when printed for people. */
const ESCAPED_NAMES = [
  `${DIR}/new\\nline`,
  `${DIR}/esc\\x1b[31mred\\x1b[0m`,
  `${DIR}/bell\\x07\\rcr`,
  `${DIR}/\\xff\\xfeinvalid`,
  `${DIR}/c1-\\x9b31m`,
];

interface JsonFile {
  path: string;
  pathBase64?: string;
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${String(error)}\n${text.slice(0, 500)}`);
  }
}

async function ok(sys: TestSystem, args: string[]): Promise<string> {
  const result = await sys.tu(args);
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  expectNoRawControls(result.stdout, `${args.join(' ')} stdout`);
  expectNoRawControls(result.stderr, `${args.join(' ')} stderr`);
  return result.stdout;
}

/** The JSON file list gives every name back exactly: text names as text, the invalid one as bytes. */
function expectExactNames(files: JsonFile[]): void {
  const paths = new Set(files.map((f) => f.path));
  for (const name of ['new\nline', `esc${ESC}[31mred${ESC}[0m`, 'bell\u0007\rcr', `c1-${CSI_C1}31m`]) {
    expect(paths.has(`${DIR}/${name}`), JSON.stringify(name)).toBe(true);
  }
  const invalid = files.find((f) => f.pathBase64 !== undefined && Buffer.from(f.pathBase64, 'base64').toString('latin1').endsWith('\xff\xfeinvalid'));
  expect(invalid, 'the invalid UTF-8 name, as pathBase64').toBeDefined();
}

describe.skipIf(skip)('hostile names', () => {
  const system = shareTestSystem({ size: '1536M' });
  let number = 0;

  it('a transaction makes them', async () => {
    const sys = system();
    const before = snapshotNumbers(sys.root);
    const result = await sys.tu(['--description', DESCRIPTION, 'run', 'sh', '-c', SCRIPT, `arg${ESC}[2J`]);
    expect(result.exitCode, result.stderr).toBe(0);
    expectNoRawControls(result.stdout, 'run stdout');
    number = snapshotNumbers(sys.root).find((n) => !before.includes(n))!;
    expect(number).toBeGreaterThan(1);
  });

  it('show', async () => {
    const sys = system();
    const text = await ok(sys, ['show', String(number)]);
    for (const name of ESCAPED_NAMES) expect(text).toContain(name);
    expect(text).toContain('\\x1b]0;pwned\\x07'); // the /etc diff's content
    expect(text).toContain('+++ b/etc/tu-new\\nline.conf');
    const json = parseJson<{ files: JsonFile[]; config: { path: string; patch: string | null }[]; description: string }>(
      await ok(sys, ['--json', 'show', String(number)]),
      'show --json',
    );
    expectExactNames(json.files);
    expect(json.config.map((c) => c.path)).toContain('/etc/tu-new\nline.conf');
    expect(json.config.find((c) => c.path === '/etc/tu-hostile.conf')?.patch).toContain(`${ESC}]0;pwned\u0007`);
  });

  it('diff', async () => {
    const sys = system();
    const text = await ok(sys, ['diff', '1', String(number)]);
    for (const name of ESCAPED_NAMES) expect(text).toContain(name);
    const recomputed = await ok(sys, ['diff', '--recompute', '1', String(number)]);
    for (const name of ESCAPED_NAMES) expect(recomputed).toContain(name);
    const json = parseJson<{ files: JsonFile[] }>(await ok(sys, ['--json', 'diff', '1', String(number)]), 'diff --json');
    expectExactNames(json.files);
    const back = parseJson<{ files: JsonFile[] }>(await ok(sys, ['--json', 'diff', String(number), '1']), 'diff --json backwards');
    expectExactNames(back.files);
  });

  it('list', async () => {
    const sys = system();
    // A description is one line of text: its control characters were stored as spaces.
    const text = await ok(sys, ['list']);
    expect(text.split('\n').find((l) => l.startsWith(`${number}`))).toContain(DESCRIPTION_STORED);
    const rows = parseJson<{ number: number; description: string }[]>(await ok(sys, ['--json', 'list']), 'list --json');
    expect(rows.find((r) => r.number === number)?.description).toBe(DESCRIPTION_STORED);
  });

  it('status', async () => {
    const sys = system();
    const text = await ok(sys, ['status']);
    expect(text).toContain(`Next boot: ${number} (${DESCRIPTION_STORED}, `);
    // What the next boot brings: the /etc diff, its file names and content escaped.
    expect(text).toContain('+++ b/etc/tu-new\\nline.conf');
    expect(text).toContain('+title=\\x1b]0;pwned\\x07');
    const json = parseJson<{ default: number }>(await ok(sys, ['--json', 'status']), 'status --json');
    expect(json.default).toBe(number);
  });
});
