import type { Random } from './random.js';
import type { ServerPool } from './server-pool.js';

export interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly token: string;
  readonly body?: unknown;
  /** Sent as Idempotency-Key; a call with a key is retried when its answer is lost. */
  readonly key?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Outcome =
  | { readonly kind: 'answered'; readonly status: number; readonly body: Record<string, unknown> }
  /** No answer (connection refused or cut, the server died): unknown whether it happened. */
  | { readonly kind: 'lost'; readonly error: string };

export interface HttpTally {
  sent: number;
  lost: number;
  retried: number;
  /** `${status} ${code}` of every answer that was not 2xx. */
  readonly refusals: Map<string, number>;
}

export const newTally = (): HttpTally => ({ sent: 0, lost: 0, retried: 0, refusals: new Map() });

const ATTEMPTS_WITH_KEY = 8;
const REQUEST_TIMEOUT_MS = 20_000;

/** Sends calls to whichever server is up; a keyed call is repeated until it gets an answer. */
export class ChaosHttp {
  constructor(
    private readonly pool: ServerPool,
    private readonly random: Random,
    private readonly tally: HttpTally,
  ) {}

  async send(call: Call): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.once(call);
      if (outcome.kind === 'answered') return outcome;
      this.tally.lost += 1;
      if (call.key === undefined || attempt >= ATTEMPTS_WITH_KEY) return outcome;
      this.tally.retried += 1;
    }
  }

  private async once(call: Call): Promise<Outcome> {
    const base = await this.pool.anyLive(this.random);
    this.tally.sent += 1;
    const headers: Record<string, string> = {
      authorization: `Bearer ${call.token}`,
      ...call.headers,
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.key !== undefined) headers['idempotency-key'] = call.key;
    try {
      const response = await fetch(`${base}${call.path}`, {
        method: call.method,
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      if (response.status >= 300) {
        const key = `${response.status} ${String(body.code ?? '')}`;
        this.tally.refusals.set(key, (this.tally.refusals.get(key) ?? 0) + 1);
      }
      return { kind: 'answered', status: response.status, body };
    } catch (error) {
      return { kind: 'lost', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
