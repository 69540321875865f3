/**
 * The fleet's settings from the configuration files, validated all at once: a bad value is
 * an error naming the key, the value and the file it came from.
 */
import type { ConfigValues } from '../../config/load.js';
import { TuError } from '../../errors.js';
import { escapeControl, hasControlCharacters } from '../../util/escape.js';
import { parseDurationMs } from '../../config/duration.js';
import { nodeIdFromMachineId, readMachineId } from './identity.js';

export type RebootLockKind = 'none' | 'etcd' | 'fleetlock';

export interface EtcdSettings {
  endpoints: string[];
  caFile: string | undefined;
  certFile: string | undefined;
  keyFile: string | undefined;
  user: string | undefined;
  password: string | undefined;
}

export interface FleetSettings {
  lock: RebootLockKind;
  /** Set when lock is 'etcd'. */
  etcd: EtcdSettings | undefined;
  /** Set when lock is 'fleetlock'. */
  fleetLockUrl: string | undefined;
  group: string;
  /** undefined when neither FLEET_NODE_ID nor a machine-id is there. */
  nodeId: string | undefined;
  /** The slot count a group's semaphore is created with. */
  slots: number;
  /** FLEET_SLOTS was given (a node warns when it disagrees with etcd). */
  slotsExplicit: boolean;
  deadlineSeconds: number | undefined;
}

/** FleetLock's group rule (coreos/airlock docs/protocol-specs.md). */
const FLEETLOCK_GROUP = /^[a-zA-Z0-9.-]+$/;

export function fleetSettings(
  config: ConfigValues,
  facts: { machineId: string | undefined } = { machineId: readMachineId() },
): FleetSettings {
  const problems: string[] = [];
  const get = (key: string): string | undefined => {
    const value = config.values[key];
    return value === undefined || value === '' ? undefined : value;
  };
  const bad = (key: string, why: string): undefined => {
    const source = config.sources[key];
    problems.push(`${key}=${JSON.stringify(escapeControl(config.values[key] ?? ''))}${source ? ` in ${escapeControl(source)}` : ''}: ${why}`);
    return undefined;
  };
  const missing = (key: string, why: string): undefined => {
    problems.push(`${key} is not set: ${why}`);
    return undefined;
  };

  const lockText = get('REBOOT_LOCK') ?? 'none';
  const lock = (['none', 'etcd', 'fleetlock'] as const).find((k) => k === lockText) ?? bad('REBOOT_LOCK', 'expected none, etcd or fleetlock');

  const group = get('FLEET_GROUP') ?? 'default';
  if (hasControlCharacters(group)) bad('FLEET_GROUP', 'holds control characters');
  else if (lock === 'fleetlock' && !FLEETLOCK_GROUP.test(group)) bad('FLEET_GROUP', 'a FleetLock group may hold only letters, digits, "." and "-"');

  const nodeIdText = get('FLEET_NODE_ID');
  let nodeId: string | undefined;
  if (nodeIdText !== undefined) {
    if (hasControlCharacters(nodeIdText) || /\s/.test(nodeIdText)) bad('FLEET_NODE_ID', 'holds white space or control characters');
    else nodeId = nodeIdText;
  } else if (facts.machineId) {
    nodeId = nodeIdFromMachineId(facts.machineId);
  }

  const slotsText = get('FLEET_SLOTS');
  let slots = 1;
  if (slotsText !== undefined) {
    if (/^\d{1,6}$/.test(slotsText)) slots = Number(slotsText);
    else bad('FLEET_SLOTS', 'expected a whole number of slots (0 or more)');
  }

  const deadlineText = get('FLEET_DEADLINE');
  let deadlineSeconds: number | undefined;
  if (deadlineText !== undefined) {
    const ms = parseDurationMs(deadlineText);
    deadlineSeconds = ms === undefined ? undefined : Math.ceil(ms / 1000);
    if (deadlineSeconds === undefined || deadlineSeconds <= 0) {
      deadlineSeconds = bad('FLEET_DEADLINE', 'expected a duration such as 90s, 30m or 2h');
    }
  }

  let etcd: EtcdSettings | undefined;
  const endpointsText = get('ETCD_ENDPOINTS');
  if (lock === 'etcd') {
    if (endpointsText === undefined) missing('ETCD_ENDPOINTS', 'REBOOT_LOCK=etcd needs the etcd URLs (comma-separated)');
    else etcd = etcdSettings(endpointsText, get, bad, missing);
  }

  let fleetLockUrl: string | undefined;
  if (lock === 'fleetlock') {
    const url = get('FLEETLOCK_URL');
    if (url === undefined) missing('FLEETLOCK_URL', 'REBOOT_LOCK=fleetlock needs the FleetLock server URL');
    else if (!isHttpUrl(url)) bad('FLEETLOCK_URL', 'expected an http:// or https:// URL');
    else fleetLockUrl = url;
  }

  if (problems.length > 0 || lock === undefined) {
    throw new TuError(`invalid fleet configuration: ${problems.join('; ')}`, {
      hint: 'fix the configuration file named above',
    });
  }
  return { lock, etcd, fleetLockUrl, group, nodeId, slots, slotsExplicit: slotsText !== undefined, deadlineSeconds };
}

function etcdSettings(
  endpointsText: string,
  get: (key: string) => string | undefined,
  bad: (key: string, why: string) => undefined,
  missing: (key: string, why: string) => undefined,
): EtcdSettings | undefined {
  const endpoints = endpointsText.split(',').map((e) => e.trim()).filter(Boolean);
  if (endpoints.length === 0 || !endpoints.every(isHttpUrl)) {
    return bad('ETCD_ENDPOINTS', 'expected comma-separated http:// or https:// URLs');
  }
  const tls = endpoints.map((e) => e.startsWith('https:'));
  if (tls.includes(true) && tls.includes(false)) return bad('ETCD_ENDPOINTS', 'mixes http:// and https:// endpoints');
  const caFile = get('ETCD_CA_FILE');
  const certFile = get('ETCD_CERT_FILE');
  const keyFile = get('ETCD_KEY_FILE');
  const user = get('ETCD_USER');
  const password = get('ETCD_PASSWORD');
  if (!tls[0]) {
    for (const key of ['ETCD_CA_FILE', 'ETCD_CERT_FILE', 'ETCD_KEY_FILE']) {
      if (get(key) !== undefined) bad(key, 'set, but ETCD_ENDPOINTS uses http:// (TLS needs https://)');
    }
  }
  if (certFile !== undefined && keyFile === undefined) missing('ETCD_KEY_FILE', 'ETCD_CERT_FILE needs its key');
  if (keyFile !== undefined && certFile === undefined) missing('ETCD_CERT_FILE', 'ETCD_KEY_FILE needs its certificate');
  if (user !== undefined && password === undefined) missing('ETCD_PASSWORD', 'ETCD_USER needs a password');
  if (password !== undefined && user === undefined) missing('ETCD_USER', 'ETCD_PASSWORD needs a user');
  return { endpoints, caFile, certFile, keyFile, user, password };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
