/** An etcd client from the configuration alone (endpoints, TLS files, user and password). */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import {
  Etcd3,
  EtcdAuthenticationFailedError,
  EtcdInvalidAuthTokenError,
  EtcdPermissionDeniedError,
  GRPCDeadlineExceededError,
  GRPCUnauthenticatedError,
  isRecoverableError,
  type IOptions,
} from 'etcd3';
import { TuError } from '../../../errors.js';
import { escapeControl } from '../../../util/escape.js';
import { LockUnreachableError } from '../rebootLock.js';
import type { EtcdSettings } from '../settings.js';

/** Per-call limit: an unreachable etcd is reported in seconds, not after gRPC's default wait. */
const CALL_TIMEOUT_MS = 5000;


export function connectEtcd(settings: EtcdSettings): Etcd3 {
  const options: IOptions = {
    hosts: settings.endpoints,
    dialTimeout: CALL_TIMEOUT_MS,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
  };
  if (settings.caFile !== undefined || settings.certFile !== undefined) {
    options.credentials = {
      rootCertificate: settings.caFile !== undefined ? readTlsFile(settings.caFile, 'ETCD_CA_FILE') : Buffer.alloc(0),
      ...(settings.certFile !== undefined && settings.keyFile !== undefined
        ? { certChain: readTlsFile(settings.certFile, 'ETCD_CERT_FILE'), privateKey: readTlsFile(settings.keyFile, 'ETCD_KEY_FILE') }
        : {}),
    };
  }
  if (settings.endpoints.some((e) => e.startsWith('https:') && isIP(new URL(e).hostname.replace(/^\[|\]$/g, '')) !== 0)) {
    silenceIpServernameWarning();
  }
  if (settings.user !== undefined && settings.password !== undefined) {
    options.auth = { username: settings.user, password: settings.password };
  }
  return new Etcd3(options);
}

/**
 * grpc-js (1.14, channel-credentials.js) passes the host as the TLS server name even when
 * it is an IP address, and Node then warns DEP0123 on every run. Server names do not apply
 * to IP addresses (RFC 6066) and the certificate is still checked against the IP, so
 * that one warning is dropped; every other warning passes through.
 */
let ipWarningSilenced = false;
function silenceIpServernameWarning(): void {
  if (ipWarningSilenced) return;
  ipWarningSilenced = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const [, typeOrOptions, code] = args;
    const warningCode = typeof typeOrOptions === 'object' && typeOrOptions !== null ? (typeOrOptions as { code?: unknown }).code : code;
    if (warningCode === 'DEP0123') return;
    emitWarning(...args);
  }) as typeof process.emitWarning;
}

function readTlsFile(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TuError(`cannot read ${key} ${escapeControl(path)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Turn what the etcd client threw into one clear line for the user. */
export function etcdError(error: unknown, settings: EtcdSettings): TuError {
  if (error instanceof TuError) return error;
  const where = settings.endpoints.join(',');
  const reason = shortReason(error);
  if (
    error instanceof EtcdAuthenticationFailedError ||
    error instanceof EtcdInvalidAuthTokenError ||
    error instanceof GRPCUnauthenticatedError
  ) {
    return new TuError(`etcd at ${where} refused the login of user ${escapeControl(settings.user ?? '(none)')}: ${reason}`, {
      hint: 'check ETCD_USER and ETCD_PASSWORD',
      cause: error,
    });
  }
  if (error instanceof EtcdPermissionDeniedError) {
    return new TuError(`etcd at ${where} denied user ${escapeControl(settings.user ?? '(none)')} access to the fleet keys: ${reason}`, {
      hint: "grant the user's role readwrite on com.coreos.airlock/ and transactional-update/fleet/",
      cause: error,
    });
  }
  if (isTransient(error)) {
    return new LockUnreachableError(`cannot reach etcd at ${where}: ${reason}`, {
      hint: 'no reboot without a slot; the next run tries again',
      cause: error,
    });
  }
  return new TuError(`etcd at ${where} refused the request: ${reason}`, { cause: error });
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return isRecoverableError(error) || error instanceof GRPCDeadlineExceededError || isBrokenCircuit(error);
}

/** cockatiel's BrokenCircuitError: etcd3 stops calling a host for a few seconds after failures. */
function isBrokenCircuit(error: Error): boolean {
  return (error as { isBrokenCircuitError?: unknown }).isBrokenCircuitError === true;
}

/** gRPC's message without its status prefix and channel chatter. */
export function shortReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (isBrokenCircuit(error)) return 'repeated failures; the client pauses a few seconds before trying again';
  const text = error.message.split('\n')[0] ?? '';
  const lastError = /Last error: (?:Error: )?(.*?)\.? Resolution note/.exec(text);
  // grpc-js reports "Last error: null" when the login call's channel failed to connect.
  if (lastError?.[1] === 'null') return 'no connection could be established (refused, or the TLS handshake failed)';
  if (lastError?.[1]) return lastError[1];
  return text.replace(/^\d+ [A-Z_]+: /, '').trim() || error.name;
}
