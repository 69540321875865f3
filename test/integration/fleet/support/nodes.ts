/** Simulated fleet nodes: a configuration file, a state directory, and the real CLI. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runFleet } from './fleetCli.js';
import type { RunResult } from '../../../../src/util/exec.js';

export const RECORD_REBOOT = resolve(import.meta.dirname, '../../../../fixtures/fleet/record-reboot.sh');

export interface NodeSpec {
  dir: string;
  id: string;
  /** Configuration keys, written shell-style to the node's file. */
  config: Record<string, string>;
}

export interface TestNode {
  id: string;
  configFile: string;
  stateDir: string;
  fleet(args: string[]): Promise<RunResult>;
  writeHealth(health: { snapshot: number; status: 'pass' | 'fail'; fallback: boolean; at?: string }): void;
}

export function makeNode(spec: NodeSpec): TestNode {
  const home = join(spec.dir, spec.id);
  const stateDir = join(home, 'state');
  mkdirSync(stateDir, { recursive: true });
  const configFile = join(home, 'transactional-update.conf');
  writeFileSync(configFile, Object.entries(spec.config).map(([k, v]) => `${k}=${shellQuote(v)}\n`).join(''));
  return {
    id: spec.id,
    configFile,
    stateDir,
    fleet: (args) => {
      const [sub, ...rest] = args;
      return runFleet(['fleet', '--config', configFile, '--state-dir', stateDir, '--node-id', spec.id, sub!, ...rest]);
    },
    writeHealth(health) {
      writeFileSync(join(stateDir, 'health.json'), JSON.stringify({ ...health, at: health.at ?? new Date().toISOString() }));
    },
  };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface RebootRecord {
  id: string;
  holders: string[];
  totalSlots: number;
}

/** The lines record-reboot.sh wrote. */
export function readReboots(log: string): RebootRecord[] {
  let text: string;
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(' ');
      const value = JSON.parse(line.slice(space + 1)) as { total_slots: number; holders: string[] };
      return { id: line.slice(0, space), holders: value.holders, totalSlots: value.total_slots };
    });
}

export function recorderCommand(log: string, endpoint: string, key: string): string {
  return `${RECORD_REBOOT} ${log} ${endpoint} ${key}`;
}
