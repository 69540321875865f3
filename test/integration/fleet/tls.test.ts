/**
 * etcd with TLS (client certificates required) and password authentication, reached from
 * the node's configuration file alone.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireMachine } from '../../support/requirements.js';
import { makeTestDir } from '../../support/tmp.js';
import { groupKeys } from '../../../src/reboot/fleet/etcd/keys.js';
import { makeTlsFiles, startEtcd, type EtcdServer, type TlsFiles } from './support/etcdServer.js';
import { buildFleetCli } from './support/fleetCli.js';
import { makeNode } from './support/nodes.js';

const skip = requireMachine({ commands: ['etcd', 'etcdctl', 'openssl'] }, 'fleet TLS tests');

describe.skipIf(skip)('fleet lock over TLS with a user and password', () => {
  let dir: string;
  let etcd: EtcdServer;
  let tls: TlsFiles;
  const password = 'fleet secret';

  beforeAll(async () => {
    dir = await makeTestDir('fleet-tls');
    await buildFleetCli();
    tls = await makeTlsFiles(dir);
    etcd = await startEtcd(dir, tls);
    await etcd.etcdctl(['user', 'add', `root:${password}`]);
    await etcd.etcdctl(['auth', 'enable']);
  });

  afterAll(async () => {
    await etcd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function node(id: string, overrides: Record<string, string> = {}) {
    return makeNode({
      dir,
      id,
      config: {
        REBOOT_LOCK: 'etcd',
        ETCD_ENDPOINTS: etcd.endpoint,
        ETCD_CA_FILE: tls.ca,
        ETCD_CERT_FILE: tls.clientCert,
        ETCD_KEY_FILE: tls.clientKey,
        ETCD_USER: 'root',
        ETCD_PASSWORD: password,
        FLEET_GROUP: 'secure',
        ...overrides,
      },
    });
  }

  it('takes, shows and gives back a slot', async () => {
    const n = node('tls-node');
    const taken = await n.fleet(['lock']);
    expect(taken.exitCode, taken.stderr).toBe(0);
    const status = await n.fleet(['status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ group: 'secure', totalSlots: 1, holders: [{ id: 'tls-node' }] });
    const value = await etcd.etcdctl(['--user', `root:${password}`, 'get', '--print-value-only', groupKeys('secure').semaphore]);
    expect(value).toBe('{"total_slots":1,"holders":["tls-node"]}');
    expect((await n.fleet(['release'])).exitCode).toBe(0);
  });

  it('names the user when the password is wrong', async () => {
    const result = await node('wrong-password', { ETCD_PASSWORD: 'not it' }).fleet(['lock']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^transactional-update: etcd at https:\/\/127\.0\.0\.1:\d+ refused the login of user root: .*authentication failed.* \(check ETCD_USER and ETCD_PASSWORD\)$/);
  });

  it('cannot connect without the CA that signed the server', async () => {
    const result = await node('no-ca', { ETCD_CA_FILE: tls.clientCert }).fleet(['lock']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^transactional-update: cannot reach etcd at https:\/\/127\.0\.0\.1:\d+: .* \(no reboot without a slot; the next run tries again\)$/);
  });
});
