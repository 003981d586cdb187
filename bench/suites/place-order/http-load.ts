import autocannon from 'autocannon';
import { summariseLatencies } from '../../lib/stats.js';
import { seededRandom } from './order-bodies.js';

export interface LoadOptions {
  readonly base: string;
  readonly path: string;
  readonly connections: number;
  readonly durationMs: number;
  /** One per connection (connection i uses token i modulo their number). */
  readonly tokens: readonly string[];
  /** JSON bodies; each connection rotates through its own share of them. */
  readonly bodies: readonly string[];
  /** Names the outcome of one response; counted per name. */
  readonly classify: (status: number, body: string, sent: string) => string;
  /** Outcome whose answers' `orderId` are sampled for checking afterwards. */
  readonly sampleOutcome?: string;
  readonly sampleSize?: number;
}

export interface LoadRun {
  readonly durationS: number;
  readonly responses: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** Connection errors and timeouts, as autocannon counts them. */
  readonly errors: number;
  readonly timeouts: number;
  /** Responses per outcome name (see LoadOptions.classify). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** A uniform sample of the `orderId`s answered with `sampleOutcome`, when asked for. */
  readonly sampledIds?: readonly string[];
}

const REQUESTS_PER_CONNECTION = 32;

/**
 * Keeps `connections` connections busy for `durationMs` (one request in
 * flight each), in this process, with autocannon. Every response is
 * classified from its status and body, and its latency kept (ms, full
 * precision) for percentiles.
 */
export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  const sampleSize = options.sampleSize ?? 0;
  const sampled: string[] = [];
  let seenForSample = 0;
  const random = seededRandom(0x5eed);
  const keepSample = (body: string) => {
    seenForSample++;
    const slot =
      sampled.length < sampleSize ? sampled.length : Math.floor(random() * seenForSample);
    if (slot < sampleSize) {
      const { orderId } = JSON.parse(body) as { orderId?: unknown };
      if (typeof orderId === 'string') sampled[slot] = orderId;
    }
  };

  const requestsFor = (connection: number): autocannon.Request[] => {
    const token = options.tokens[connection % options.tokens.length];
    const headers = {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    };
    return Array.from({ length: REQUESTS_PER_CONNECTION }, (_, i) => {
      const index = (connection * REQUESTS_PER_CONNECTION + i) % options.bodies.length;
      const body = options.bodies[index] ?? '{}';
      return {
        method: 'POST',
        path: options.path,
        headers,
        body,
        onResponse: (status: number, answer: string) => {
          const outcome = options.classify(status, answer, body);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (outcome === options.sampleOutcome && sampleSize > 0) keepSample(answer);
        },
      };
    });
  };

  let connections = 0;
  const result = await autocannon({
    url: `${options.base}${options.path}`,
    method: 'POST',
    connections: options.connections,
    pipelining: 1,
    duration: options.durationMs / 1000,
    timeout: 10,
    setupClient: (client) => {
      client.setRequests(requestsFor(connections++));
      client.on('response', (_status: number, _bytes: number, responseTime: number) => {
        latencies.push(responseTime);
      });
    },
  });
  const responses = [...outcomes.values()].reduce((sum, n) => sum + n, 0);
  const latency = summariseLatencies(latencies);
  return {
    durationS: result.duration,
    responses,
    requestsPerSecond: responses / result.duration,
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    outcomes: Object.fromEntries([...outcomes].sort(([a], [b]) => a.localeCompare(b))),
    ...(sampleSize > 0 ? { sampledIds: sampled } : {}),
  };
}
