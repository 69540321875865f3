/**
 * The systemd units in systemd/ pass `systemd-analyze verify`. PID 1 here need not be systemd:
 * verify runs against a temporary root holding the distribution's units, our units, the real
 * built tool at /usr/sbin/transactional-update (where the Debian package puts it), and our man pages where `man` finds them, so
 * Documentation= is checked too.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDir } from '../../support/tmp.js';
import { REBOOT_CHECK_INTERVAL_MS } from '../../../src/reboot/run.js';
import { LAYOUT_MARKER } from '../../../src/image/layout.js';

const REPO = resolve('.');
const UNITS_DIR = join(REPO, 'systemd');
const UNITS = readdirSync(UNITS_DIR).filter((n) => /\.(service|timer)$/.test(n)).sort();
const TOOL = join(REPO, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['transactional-update']!);
const HOST_UNITS = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((d) => existsSync(join(d, 'sysinit.target')));

let root = '';
let manPath = '';

function prerequisites(): string | undefined {
  if (!HOST_UNITS) return "the distribution's systemd units (sysinit.target) are not installed";
  return undefined;
}
const missing = prerequisites();
if (missing && process.env.CI === 'true') throw new Error(`cannot verify the units: ${missing}`);

/**
 * Put the real tool at <root>/usr/sbin/transactional-update: the package's built bin when
 * there is one (hard-linked, or copied across file systems), else a fresh build into the
 * root. Type errors are the type check's business; tsc emits regardless.
 */
async function installTool(root: string): Promise<void> {
  const target = join(root, 'usr/sbin/transactional-update');
  mkdirSync(join(root, 'usr/sbin'), { recursive: true });
  if (existsSync(TOOL)) {
    try {
      linkSync(TOOL, target);
    } catch {
      copyFileSync(TOOL, target);
    }
    return;
  }
  const outDir = join(root, 'usr/lib/transactional-update');
  await execa('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: REPO, reject: false });
  const main = join(outDir, 'cli/main.js');
  if (!existsSync(main)) throw new Error(`building the tool did not produce ${main}`);
  chmodSync(main, 0o755);
  symlinkSync('../lib/transactional-update/cli/main.js', target);
}

async function verify(unit: string) {
  return execa('systemd-analyze', ['verify', '--man=yes', `--root=${root}`, join(root, 'etc/systemd/system', unit)], {
    reject: false,
    env: { MANPATH: manPath, SYSTEMD_LOG_COLOR: '0' },
    all: true,
  });
}

describe.skipIf(missing !== undefined)(missing ? `systemd units (skipped: ${missing})` : 'systemd units', () => {
  beforeAll(async () => {
    root = await makeTestDir('units-root');
    mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
    cpSync(HOST_UNITS!, join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    symlinkSync('usr/lib', join(root, 'lib'));
    await installTool(root);
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    for (const unit of UNITS) copyFileSync(join(UNITS_DIR, unit), join(root, 'etc/systemd/system', unit));
    manPath = join(root, 'man');
    for (const page of readdirSync(join(REPO, 'man'))) {
      const section = /\.(\d)$/.exec(page)?.[1];
      if (!section) continue;
      mkdirSync(join(manPath, `man${section}`), { recursive: true });
      copyFileSync(join(REPO, 'man', page), join(manPath, `man${section}`, page));
    }
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('has every unit the design names', () => {
    expect(UNITS).toEqual([
      'transactional-update-cleanup.service',
      'transactional-update-cleanup.timer',
      'transactional-update-etc-merge.service',
      'transactional-update-health-check.service',
      'transactional-update-reboot.service',
      'transactional-update-reboot.timer',
      'transactional-update.service',
      'transactional-update.timer',
    ]);
  });

  it.each(UNITS)('%s passes systemd-analyze verify without a message', async (unit) => {
    const result = await verify(unit);
    expect(result.all).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('pass together, with no ordering cycle among them', async () => {
    const result = await execa('systemd-analyze', ['verify', '--man=yes', `--root=${root}`, ...UNITS.map((u) => join(root, 'etc/systemd/system', u))], {
      reject: false,
      env: { MANPATH: manPath, SYSTEMD_LOG_COLOR: '0' },
      all: true,
    });
    expect(result.all).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('verify does catch a broken unit and a missing program here', async () => {
    const broken = join(root, 'etc/systemd/system/tu-broken.service');
    const text = readFileSync(join(UNITS_DIR, 'transactional-update-cleanup.service'), 'utf8')
      .replace('/usr/sbin/transactional-update', '/usr/sbin/transactional-update-missing')
      .replace('[Service]', '[Service]\nTypo=1');
    try {
      writeFileSync(broken, text);
      const result = await verify('tu-broken.service');
      expect(result.exitCode).not.toBe(0);
      expect(result.all).toContain("Unknown key 'Typo'");
      expect(result.all).toContain('/usr/sbin/transactional-update-missing is not executable');
    } finally {
      rmSync(broken, { force: true });
    }
  });
});

/** verify of the boot's targets with our units enabled; host programs absent from the root are not ours to report. */
async function verifyBootTransaction(): Promise<string[]> {
  const lines: string[] = [];
  for (const target of ['sysinit.target', 'multi-user.target', 'graphical.target', 'boot-complete.target', 'timers.target']) {
    const result = await execa('systemd-analyze', ['verify', '--man=no', `--root=${root}`, join(root, 'usr/lib/systemd/system', target)], {
      reject: false,
      env: { SYSTEMD_LOG_COLOR: '0' },
      all: true,
    });
    for (const line of result.all.split('\n')) {
      if (line === '' || (/: Command \S+ is not executable: No such file or directory$/.test(line) && !line.includes('transactional-update'))) continue;
      lines.push(line);
    }
  }
  return lines;
}

describe.skipIf(missing !== undefined)('systemd units, enabled', () => {
  const installable = UNITS.filter((u) => /^\[Install\]$/m.test(readFileSync(join(UNITS_DIR, u), 'utf8')));

  beforeAll(async () => {
    root = await makeTestDir('units-enabled');
    mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
    cpSync(HOST_UNITS!, join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    symlinkSync('usr/lib', join(root, 'lib'));
    await installTool(root);
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    for (const unit of UNITS) copyFileSync(join(UNITS_DIR, unit), join(root, 'etc/systemd/system', unit));
    await execa('systemctl', [`--root=${root}`, 'enable', ...installable]);
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('enable as their [Install] sections say', () => {
    expect(installable).toEqual([
      'transactional-update-cleanup.timer',
      'transactional-update-etc-merge.service',
      'transactional-update-health-check.service',
      'transactional-update-reboot.timer',
      'transactional-update.timer',
    ]);
    // The links are absolute inside the root: look at the link itself.
    const link = (dir: string, unit: string) => readlinkSync(join(root, 'etc/systemd/system', dir, unit)) === `/etc/systemd/system/${unit}`;
    expect(link('sysinit.target.wants', 'transactional-update-etc-merge.service')).toBe(true);
    expect(link('boot-complete.target.requires', 'transactional-update-health-check.service')).toBe(true);
    expect(link('multi-user.target.wants', 'transactional-update-health-check.service')).toBe(true);
    expect(link('timers.target.wants', 'transactional-update-reboot.timer')).toBe(true);
  });

  it('leave the boot transaction free of ordering cycles', async () => {
    expect(await verifyBootTransaction()).toEqual([]);
  });

  it('the check does find a cycle here', async () => {
    const unit = join(root, 'etc/systemd/system/transactional-update-etc-merge.service');
    const original = readFileSync(unit, 'utf8');
    try {
      writeFileSync(unit, original.replace(/^After=local-fs.target$/m, 'After=local-fs.target sysinit.target'));
      expect((await verifyBootTransaction()).join('\n')).toContain('Found ordering cycle');
    } finally {
      writeFileSync(unit, original);
    }
  });
});

describe('unit contents', () => {
  const unit = (name: string) => readFileSync(join(UNITS_DIR, name), 'utf8');

  it('run the tool at /usr/sbin, where the Debian package puts it, with the commands of the design', () => {
    expect(unit('transactional-update.service')).toMatch(/^ExecStart=\/usr\/sbin\/transactional-update --non-interactive --drop-if-no-change \$\{UPDATE_METHOD\}$/m);
    expect(unit('transactional-update.service')).toMatch(/^Environment=UPDATE_METHOD=up$/m);
    expect(unit('transactional-update-reboot.service')).toMatch(/^ExecStart=\/usr\/sbin\/transactional-update reboot --if-needed$/m);
    expect(unit('transactional-update-health-check.service')).toMatch(/^ExecStart=\/usr\/sbin\/transactional-update health-check$/m);
    expect(unit('transactional-update-etc-merge.service')).toMatch(/^ExecStart=\/usr\/sbin\/transactional-update etc-merge$/m);
    expect(unit('transactional-update-cleanup.service')).toMatch(/^ExecStart=\/usr\/sbin\/transactional-update cleanup$/m);
  });

  it("stay inert unless the managed layout's marker exists (not merely /.snapshots)", () => {
    for (const name of UNITS) {
      expect(unit(name), name).toMatch(new RegExp(`^ConditionPathExists=/\\.snapshots/${LAYOUT_MARKER.replace(/\./g, '\\.')}$`, 'm'));
      expect(unit(name), name).not.toMatch(/^ConditionPathIsDirectory=\/\.snapshots$/m);
    }
  });

  it('update daily with a randomized delay; check the reboot window every 15 minutes', () => {
    expect(unit('transactional-update.timer')).toMatch(/^OnCalendar=daily$/m);
    expect(unit('transactional-update.timer')).toMatch(/^RandomizedDelaySec=\S+$/m);
    expect(unit('transactional-update-reboot.timer')).toMatch(/^OnCalendar=\*:0\/15$/m);
    expect(unit('transactional-update-cleanup.timer')).toMatch(/^OnCalendar=daily$/m);
  });

  it('run the reboot check as often as runReboot assumes (REBOOT_CHECK_INTERVAL_MS)', async () => {
    const spec = /^OnCalendar=(.+)$/m.exec(unit('transactional-update-reboot.timer'))![1]!;
    const result = await execa('systemd-analyze', ['calendar', '--iterations=4', '--base-time=2026-01-05 02:07:00 UTC', spec], {
      env: { TZ: 'UTC', SYSTEMD_LOG_COLOR: '0' },
    });
    const elapses = [...result.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((m) =>
      Date.parse(`${m[1]!.replace(' ', 'T')}Z`),
    );
    expect(elapses).toHaveLength(4);
    expect(elapses.slice(1).map((t, i) => t - elapses[i]!)).toEqual([REBOOT_CHECK_INTERVAL_MS, REBOOT_CHECK_INTERVAL_MS, REBOOT_CHECK_INTERVAL_MS]);
  });

  it('merge /etc early and check health before boot-complete.target', () => {
    const merge = unit('transactional-update-etc-merge.service');
    expect(merge).toMatch(/^DefaultDependencies=no$/m);
    expect(merge).toMatch(/^After=local-fs.target$/m);
    expect(merge).toMatch(/^Before=sysinit.target /m);
    expect(merge).toMatch(/^WantedBy=sysinit.target$/m);
    const health = unit('transactional-update-health-check.service');
    expect(health).toMatch(/^Before=boot-complete.target$/m);
    expect(health).toMatch(/^RequiredBy=boot-complete.target$/m);
    expect(health).toMatch(/^WantedBy=multi-user.target$/m);
  });

  it('order the /etc merge after the mounts it needs and before nothing that runs before them (no ordering cycle)', () => {
    // The merge needs /var and /.snapshots, which are mounted after local-fs-pre.target. A unit
    // the merge is ordered before must therefore not itself run before local-fs-pre.target —
    // that is an ordering cycle, which systemd breaks by dropping some job of the boot.
    const before = [...unit('transactional-update-etc-merge.service').matchAll(/^Before=(.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
    expect(before).toContain('sysinit.target');
    const order = distributionOrder();
    for (const name of before.filter((n) => n !== 'shutdown.target')) {
      expect(orderedBefore(order, name, 'local-fs-pre.target'), `${name} runs before local-fs-pre.target`).toBe(false);
    }
  });
});

/** The distribution's units as edges "a runs before b" (from Before= of a and After= of b). */
function distributionOrder(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  const add = (a: string, b: string) => {
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  };
  for (const name of readdirSync(HOST_UNITS!)) {
    if (!/\.(service|target|mount|socket|path)$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(join(HOST_UNITS!, name), 'utf8');
    } catch {
      continue;
    }
    const list = (key: string) => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].flatMap((m) => m[1]!.trim().split(/\s+/));
    for (const later of list('Before')) add(name, later);
    for (const earlier of list('After')) add(earlier, name);
  }
  return edges;
}

function orderedBefore(edges: Map<string, Set<string>>, from: string, target: string): boolean {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === target) return true;
    for (const next of edges.get(name) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}
