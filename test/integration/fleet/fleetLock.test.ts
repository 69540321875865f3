/**
 * The FleetLock client through the real CLI against a small FleetLock server in this test: a
 * counting semaphore that answers as airlock does (200, or an error with {"kind","value"},
 * or plain text as older airlock's http.Error) and records every request it got.
 */
import { existsSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDir } from '../../support/tmp.js';
import { freePort } from './support/etcdServer.js';
import { buildFleetCli } from './support/fleetCli.js';
import { makeNode } from './support/nodes.js';

interface Seen {
  method: string;
  path: string;
  protocolHeader: string | undefined;
  body: unknown;
}

describe('fleet lock through a FleetLock server', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  const holders = new Set<string>();
  let plainTextErrors = false;

  beforeAll(async () => {
    dir = await makeTestDir('fleet-fleetlock');
    await buildFleetCli();
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(text) as { client_params: { id: string; group: string } };
        seen.push({ method: req.method ?? '', path: req.url ?? '', protocolHeader: req.headers['fleet-lock-protocol'] as string | undefined, body });
        const id = body.client_params.id;
        if (req.url === '/base/v1/pre-reboot') {
          if (holders.has(id) || holders.size < 1) {
            holders.add(id);
            res.writeHead(200).end();
          } else if (plainTextErrors) {
            res.writeHead(500, { 'content-type': 'text/plain' }).end('all 1 semaphore slots currently locked\n');
          } else {
            res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'failed_lock', value: 'all 1 semaphore slots currently locked' }));
          }
        } else if (req.url === '/base/v1/steady-state') {
          holders.delete(id);
          res.writeHead(200).end();
        } else {
          res.writeHead(404).end();
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    base = `http://127.0.0.1:${address.port}/base/`;
  });

  afterAll(async () => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const node = (id: string, url = base) =>
    makeNode({ dir, id, config: { REBOOT_LOCK: 'fleetlock', FLEETLOCK_URL: url, FLEET_GROUP: 'workers', REBOOT_COMMAND: `touch ${join(dir, `${id}.rebooted`)}` } });

  it('takes a slot with the protocol\'s request, reboots, and releases after a healthy boot', async () => {
    const a = node('node-a');
    const taken = await a.fleet(['reboot-now']);
    expect(taken.exitCode, taken.stderr).toBe(0);
    expect(existsSync(join(dir, 'node-a.rebooted'))).toBe(true);
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      path: '/base/v1/pre-reboot',
      protocolHeader: 'true',
      body: { client_params: { group: 'workers', id: 'node-a' } },
    });

    const early = await a.fleet(['steady-state']);
    expect(early.exitCode).toBe(1);
    expect(seen.at(-1)?.path).toBe('/base/v1/pre-reboot');

    a.writeHealth({ snapshot: 3, status: 'pass', fallback: false });
    const released = await a.fleet(['steady-state']);
    expect(released.exitCode, released.stderr).toBe(0);
    expect(seen.at(-1)).toMatchObject({ path: '/base/v1/steady-state', protocolHeader: 'true', body: { client_params: { group: 'workers', id: 'node-a' } } });
    expect(holders.size).toBe(0);
  });

  it('does not reboot when the server refuses, and says why in its words', async () => {
    expect((await node('holder').fleet(['lock'])).exitCode).toBe(0);
    const refused = await node('node-b').fleet(['reboot-now']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /^transactional-update: no free reboot slot in FleetLock group workers at http:\/\/127\.0\.0\.1:\d+\/base\/: failed_lock: all 1 semaphore slots currently locked \(not rebooting; the next run tries again\)$/,
    );
    plainTextErrors = true;
    const plain = await node('node-b').fleet(['reboot-now']);
    expect(plain.stderr).toContain(': all 1 semaphore slots currently locked (not rebooting');
    expect(existsSync(join(dir, 'node-b.rebooted'))).toBe(false);
    expect((await node('holder').fleet(['release'])).exitCode).toBe(0);
  });

  it('does not reboot when the server cannot be reached', async () => {
    const port = await freePort();
    const result = await node('node-c', `http://127.0.0.1:${port}/`).fleet(['reboot-now']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `transactional-update: cannot reach the FleetLock server http://127.0.0.1:${port}/v1/pre-reboot: ECONNREFUSED (no reboot without a slot; the next run tries again)`,
    );
    expect(existsSync(join(dir, 'node-c.rebooted'))).toBe(false);
  });

  it('tells that status needs etcd', async () => {
    const result = await node('node-d').fleet(['status']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'transactional-update: this command needs REBOOT_LOCK=etcd; the configuration says REBOOT_LOCK=fleetlock (set REBOOT_LOCK=etcd and ETCD_ENDPOINTS in the configuration)',
    );
  });
});
