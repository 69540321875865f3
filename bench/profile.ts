/**
 * Where the time of a command goes, for the bench rows that fail: printed with the table so
 * that a row that cannot pass here comes with its profile.
 *
 * - traceCommand: `strace -f` of the command — every process it starts, from its execve to
 *   its exit, and every fsync/fdatasync with the time spent in it.
 * - cpuProfile: V8's sampling profile of the command's own process (`node --cpu-prof`), self
 *   time summed per function, against the same of Node's bare start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';

interface Child {
  pid: number;
  start: number;
  end: number | undefined;
  argv: string;
}

const clock = (hms: string): number => {
  const [h, m, s] = hms.split(':');
  return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
};

/** The processes a command starts and its syncs, as lines to print. */
export async function traceCommand(file: string, args: string[], env: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tu-bench-trace-'));
  const out = join(dir, 'trace');
  try {
    await execa('strace', ['-f', '-qq', '-tt', '-T', '-e', 'trace=execve,fsync,fdatasync,exit_group', '-o', out, file, ...args], {
      stdout: 'ignore', stderr: 'ignore', env,
    });
    const children = new Map<number, Child>();
    const pending = new Map<number, string>();
    let first: number | undefined;
    let last = 0;
    let syncs = 0;
    let syncMs = 0;
    for (const line of readFileSync(out, 'utf8').split('\n')) {
      const m = /^(\d+)\s+(\d\d:\d\d:\d\d\.\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      const pid = Number(m[1]);
      const at = clock(m[2]!);
      first ??= at;
      last = Math.max(last, at);
      const call = m[3]!;
      // An execve another process interrupted is printed in two parts: "<unfinished ...>", then "resumed".
      const exec = /^execve\("([^"]*)", \[(.*?)\]/.exec(call);
      if (exec) {
        const words = [...exec[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((w) => w[1]!);
        const argv = [basename(exec[1]!), ...words.slice(1, 4)].join(' ');
        if (call.endsWith('<unfinished ...>')) pending.set(pid, argv);
        else if (/ = 0 <[\d.]+>$/.test(call)) children.set(pid, { pid, start: at, end: undefined, argv });
        continue;
      }
      if (call.startsWith('<... execve resumed>')) {
        const argv = pending.get(pid);
        pending.delete(pid);
        if (argv !== undefined && / = 0 <[\d.]+>$/.test(call)) children.set(pid, { pid, start: at, end: undefined, argv });
        continue;
      }
      if (call.startsWith('exit_group(')) {
        const child = children.get(pid);
        if (child) child.end = at;
        continue;
      }
      const sync = /^f(?:data)?sync\(.*<(\d+\.\d+)>$/.exec(call);
      if (sync) {
        syncs += 1;
        syncMs += Number(sync[1]) * 1000;
      }
    }
    const list = [...children.values()].sort((a, b) => a.start - b.start);
    const self = list.shift(); // the command itself
    const lines = [`${list.length} processes (each from its execve to its exit; the first is the command itself, not counted):`];
    const byProgram = new Map<string, { count: number; ms: number }>();
    for (const c of list) {
      const ms = (c.end ?? last) - c.start;
      const name = c.argv.split(' ')[0]!;
      const entry = byProgram.get(name) ?? { count: 0, ms: 0 };
      byProgram.set(name, { count: entry.count + 1, ms: entry.ms + ms });
      lines.push(`  +${(c.start - (first ?? c.start)).toFixed(0).padStart(5)} ms  ${ms.toFixed(1).padStart(6)} ms  ${c.argv}`);
    }
    lines.push(
      `  by program: ${[...byProgram].sort((a, b) => b[1].ms - a[1].ms).map(([name, v]) => `${name} ×${v.count} ${v.ms.toFixed(0)} ms`).join(', ')}`,
      `  fsync/fdatasync: ${syncs} calls, ${syncMs.toFixed(1)} ms inside them`,
      `  the command from its execve to its exit: ${self ? ((self.end ?? last) - self.start).toFixed(0) : '?'} ms (under strace, which slows every system call)`,
    );
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function of one run of `node ...args` (ms), most first. */
async function selfTimes(args: string[], env: Record<string, string>): Promise<{ total: number; functions: Array<[string, number]> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tu-bench-prof-'));
  try {
    await execa(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir, ...args], { stdout: 'ignore', stderr: 'ignore', env });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('node wrote no CPU profile');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const names = new Map(profile.nodes.map((n) => {
      const where = n.callFrame.url ? ` ${basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : '';
      return [n.id, `${n.callFrame.functionName || '(anonymous)'}${where}`];
    }));
    const sums = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      total += ms;
      const name = names.get(id) ?? '?';
      sums.set(name, (sums.get(name) ?? 0) + ms);
    });
    return { total, functions: [...sums].sort((a, b) => b[1] - a[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The command's own process against Node's bare start, as lines to print. */
export async function cpuProfile(args: string[], env: Record<string, string>, top = 15): Promise<string[]> {
  const [command, bare] = [await selfTimes(args, env), await selfTimes(['-e', '0'], env)];
  return [
    `V8's samples of the command's own process: ${command.total.toFixed(0)} ms sampled (node -e 0: ${bare.total.toFixed(0)} ms); self time, most first:`,
    ...command.functions.slice(0, top).map(([name, ms]) => `  ${ms.toFixed(1).padStart(6)} ms  ${name}`),
  ];
}
