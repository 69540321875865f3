/**
 * A FleetLock client (coreos/airlock docs/protocol-specs.md): POST <base>/v1/pre-reboot to
 * take a slot and <base>/v1/steady-state to give it back, with the header
 * `fleet-lock-protocol: true` and {"client_params":{"group":…,"id":…}}. 200 is success;
 * anything else failed, with {"kind","value"} as the body when the server says why.
 * The protocol cannot tell a full group from other refusals: any refusal means "not now".
 */
import { TuError } from '../../errors.js';
import { escapeControl } from '../../util/escape.js';
import { log } from '../../util/log.js';
import { LockUnreachableError, type GiveBackRequest, type GiveBackResult, type RebootLock, type TakeRequest, type TakeResult } from './rebootLock.js';

const TIMEOUT_MS = 10_000;

export interface FleetLockReply {
  ok: boolean;
  status: number;
  /** The server's reason on failure: "kind: value" or the body's first line. */
  reason: string | undefined;
}

export function fleetLockBody(group: string, id: string): string {
  return JSON.stringify({ client_params: { group, id } });
}

/** Read a reply body: {"kind","value"} when it is one, else its text. */
export function fleetLockReason(status: number, body: string): string {
  try {
    const data = JSON.parse(body) as Record<string, unknown>;
    if (typeof data.kind === 'string' || typeof data.value === 'string') {
      return `${String(data.kind ?? 'error')}: ${String(data.value ?? '')}`.trim();
    }
  } catch {
    // Not JSON: airlock answers some failures with plain text (Go http.Error).
  }
  const line = body.trim().split('\n')[0] ?? '';
  return line === '' ? `HTTP ${status}` : line.slice(0, 300);
}

export class FleetLockClient implements RebootLock {
  readonly description: string;

  constructor(private readonly baseUrl: string, private readonly group: string) {
    this.description = `FleetLock group ${escapeControl(group)} at ${escapeControl(baseUrl)}`;
  }

  async take(request: TakeRequest): Promise<TakeResult> {
    const reply = await this.post('/v1/pre-reboot', request.id);
    if (reply.ok) log.step(`fleet: ${escapeControl(request.id)} took a reboot slot from ${this.description}`);
    return { outcome: reply.ok ? 'taken' : 'full', holders: undefined, totalSlots: undefined, reason: reply.reason };
  }

  async giveBack(request: GiveBackRequest): Promise<GiveBackResult> {
    const reply = await this.post('/v1/steady-state', request.id);
    if (!reply.ok) {
      throw new TuError(`${this.description} refused to release ${escapeControl(request.id)}: ${escapeControl(reply.reason ?? '')}`, {
        hint: 'the slot stays taken; the next boot tries again',
      });
    }
    return { outcome: 'released' };
  }

  close(): void {}

  async post(path: string, id: string): Promise<FleetLockReply> {
    const url = this.baseUrl.replace(/\/+$/, '') + path;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'fleet-lock-protocol': 'true', 'content-type': 'application/json' },
        body: fleetLockBody(this.group, id),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new LockUnreachableError(`cannot reach the FleetLock server ${escapeControl(url)}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, {
        hint: 'no reboot without a slot; the next run tries again',
        cause: error,
      });
    }
    const body = await response.text();
    return { ok: response.status === 200, status: response.status, reason: response.status === 200 ? undefined : fleetLockReason(response.status, body) };
  }
}
