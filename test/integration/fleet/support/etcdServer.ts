/**
 * A real etcd for the fleet tests: 127.0.0.1 on free ports, data in a temp dir, optionally
 * with TLS (client certificates required). Stopped by its own pid; restartable on the same
 * data and ports.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResultPromise } from 'execa';
import { run, spawn } from '../../../../src/util/exec.js';

export interface TlsFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export interface EtcdServer {
  endpoint: string;
  dataDir: string;
  pid(): number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** etcdctl with the server's endpoint (and TLS files) and extra arguments. */
  etcdctl(args: string[], env?: Record<string, string>): Promise<string>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startEtcd(dir: string, tls?: TlsFiles): Promise<EtcdServer> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const scheme = tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const dataDir = join(dir, 'etcd-data');
  const args = [
    '--name', 'fleet-test',
    '--data-dir', dataDir,
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `fleet-test=${peer}`,
    '--logger', 'zap',
    '--log-outputs', join(dir, 'etcd.log'),
    ...(tls
      ? ['--cert-file', tls.serverCert, '--key-file', tls.serverKey, '--trusted-ca-file', tls.ca, '--client-cert-auth']
      : []),
  ];
  const tlsArgs = tls ? ['--cacert', tls.ca, '--cert', tls.clientCert, '--key', tls.clientKey] : [];
  let child: ResultPromise | undefined;

  const etcdctl = async (extra: string[], env: Record<string, string> = {}): Promise<string> => {
    const result = await run('etcdctl', ['--endpoints', endpoint, ...tlsArgs, ...extra], { env: { ETCDCTL_API: '3', ...env } });
    return result.stdout;
  };

  const server: EtcdServer = {
    endpoint,
    dataDir,
    pid: () => child?.pid,
    async start() {
      child = spawn('etcd', args, { stdio: 'ignore' });
      child.catch(() => undefined);
      for (let i = 0; i < 100; i++) {
        const health = await run('etcdctl', ['--endpoints', endpoint, ...tlsArgs, '--command-timeout', '1s', 'endpoint', 'health'], {
          env: { ETCDCTL_API: '3' },
          reject: false,
        });
        // With auth enabled an anonymous health check is refused, but the server answered.
        if (health.exitCode === 0 || /user name is empty|authentication/.test(health.stderr)) return;
        if (child.exitCode !== null && child.exitCode !== undefined) throw new Error(`etcd exited (${child.exitCode}); see ${join(dir, 'etcd.log')}`);
        await sleep(100);
      }
      throw new Error(`etcd did not become healthy at ${endpoint}`);
    },
    async stop() {
      const current = child;
      if (!current?.pid) return;
      child = undefined;
      process.kill(current.pid, 'SIGTERM');
      await current;
    },
    etcdctl,
  };
  await server.start();
  return server;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
export async function makeTlsFiles(dir: string): Promise<TlsFiles> {
  const f = (name: string) => join(dir, name);
  const openssl = (args: string[]) => run('openssl', args);
  // EC keys: generated in milliseconds where RSA keys take seconds on a busy machine.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  await openssl(['req', '-x509', ...ec, '-nodes', '-days', '2', '-subj', '/CN=fleet test CA', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
  const leaf = async (name: string, cn: string, ext: string) => {
    await openssl(['req', ...ec, '-nodes', '-subj', `/CN=${cn}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`)]);
    writeFileSync(f(`${name}.ext`), `${ext}\n`);
    await openssl(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`)]);
  };
  await leaf('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
  await leaf('client', 'root', 'extendedKeyUsage=clientAuth');
  return { ca: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), clientCert: f('client.crt'), clientKey: f('client.key') };
}
