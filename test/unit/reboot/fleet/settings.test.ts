/** Fleet settings from real configuration files (fixtures/fleet/config), read by the loader. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config/load.js';
import { nodeIdFromMachineId } from '../../../../src/reboot/fleet/identity.js';
import { fleetSettings } from '../../../../src/reboot/fleet/settings.js';

const fixture = (name: string) => resolve(import.meta.dirname, '../../../../fixtures/fleet/config', name);
const load = (name: string) => loadConfig({ root: '/nonexistent', file: fixture(name) });
const MACHINE_ID = '3d1219c7c4c5404aaa1f6d2a48adfda4';

describe('fleet settings', () => {
  it('reads an etcd node with TLS, a user, slots and a deadline', () => {
    expect(fleetSettings(load('etcd-tls.conf'), { machineId: MACHINE_ID })).toEqual({
      lock: 'etcd',
      etcd: {
        endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379', 'https://etcd.example.org:2379'],
        caFile: '/etc/transactional-update/etcd/ca.crt',
        certFile: '/etc/transactional-update/etcd/node.crt',
        keyFile: '/etc/transactional-update/etcd/node.key',
        user: 'fleet',
        password: 's3cret with spaces',
      },
      fleetLockUrl: undefined,
      group: 'workers',
      nodeId: 'web-01',
      slots: 3,
      slotsExplicit: true,
      deadlineSeconds: 5400,
    });
  });

  it('reads a FleetLock node and derives its id from the machine-id', () => {
    const settings = fleetSettings(load('fleetlock.conf'), { machineId: MACHINE_ID });
    expect(settings).toMatchObject({ lock: 'fleetlock', fleetLockUrl: 'http://airlock.example.org:3333/', group: 'storage-nodes', etcd: undefined });
    expect(settings.nodeId).toBe(nodeIdFromMachineId(MACHINE_ID));
  });

  it('defaults to no lock, group "default", one slot and no deadline', () => {
    expect(fleetSettings(load('defaults.conf'), { machineId: undefined })).toEqual({
      lock: 'none',
      etcd: undefined,
      fleetLockUrl: undefined,
      group: 'default',
      nodeId: undefined,
      slots: 1,
      slotsExplicit: false,
      deadlineSeconds: undefined,
    });
  });

  it('derives an id that is stable but is not the machine-id', () => {
    const id = nodeIdFromMachineId(`${MACHINE_ID}\n`);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(id).not.toBe(MACHINE_ID);
    expect(id).toBe(nodeIdFromMachineId(MACHINE_ID));
    expect(id).not.toBe(nodeIdFromMachineId('0'.repeat(32)));
  });

  it('names every bad key with its value and file at once', () => {
    const file = fixture('bad-values.conf');
    expect(() => fleetSettings(load('bad-values.conf'), { machineId: MACHINE_ID })).toThrow(
      `invalid fleet configuration: FLEET_NODE_ID="web 01" in ${file}: holds white space or control characters; ` +
        `FLEET_SLOTS="two" in ${file}: expected a whole number of slots (0 or more); ` +
        `FLEET_DEADLINE="soon" in ${file}: expected a duration such as 90s, 30m or 2h; ` +
        `ETCD_ENDPOINTS="10.0.0.1:2379" in ${file}: expected comma-separated http:// or https:// URLs`,
    );
  });

  it('holds FleetLock groups to the protocol\'s characters', () => {
    expect(() => fleetSettings(load('bad-fleetlock-group.conf'), { machineId: MACHINE_ID })).toThrow(
      `FLEET_GROUP="web servers" in ${fixture('bad-fleetlock-group.conf')}: a FleetLock group may hold only letters, digits, "." and "-"`,
    );
  });

  it('refuses TLS files with http:// endpoints, a certificate without its key and a user without a password', () => {
    const file = fixture('half-tls.conf');
    expect(() => fleetSettings(load('half-tls.conf'), { machineId: MACHINE_ID })).toThrow(
      `invalid fleet configuration: ETCD_CA_FILE="/etc/ca.crt" in ${file}: set, but ETCD_ENDPOINTS uses http:// (TLS needs https://); ` +
        `ETCD_CERT_FILE="/etc/node.crt" in ${file}: set, but ETCD_ENDPOINTS uses http:// (TLS needs https://); ` +
        'ETCD_KEY_FILE is not set: ETCD_CERT_FILE needs its key; ETCD_PASSWORD is not set: ETCD_USER needs a password',
    );
  });

  it('needs the endpoints for etcd', () => {
    const config = { values: { REBOOT_LOCK: 'etcd' }, sources: { REBOOT_LOCK: '/etc/transactional-update.conf' } };
    expect(() => fleetSettings(config, { machineId: MACHINE_ID })).toThrow(
      'invalid fleet configuration: ETCD_ENDPOINTS is not set: REBOOT_LOCK=etcd needs the etcd URLs (comma-separated)',
    );
  });
});
