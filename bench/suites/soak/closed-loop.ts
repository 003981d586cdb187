/**
 * A closed-loop load with autocannon: `connections` connections, each with one
 * request in flight, cycling through its own share of prepared requests. Used
 * for throughput-versus-concurrency sweeps of the engine and of the echo route.
 */
import autocannon from 'autocannon';
import { percentile } from '../../lib/stats.js';
import type { PlannedRequest } from './workload.js';

export interface ClosedLoopRun {
  readonly connections: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
}

const REQUESTS_PER_CONNECTION = 64;

export async function runClosedLoop(options: {
  readonly base: string;
  readonly connections: number;
  readonly durationMs: number;
  /** Requests for one connection (called once per connection). */
  readonly requestsFor: (connection: number, count: number) => readonly PlannedRequest[];
}): Promise<ClosedLoopRun> {
  const latencies: number[] = [];
  let connection = 0;
  const result = await autocannon({
    url: options.base,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationMs / 1000,
    timeout: 10,
    setupClient: (client) => {
      const planned = options.requestsFor(connection++, REQUESTS_PER_CONNECTION);
      client.setRequests(
        planned.map((request) => ({
          method: request.method,
          path: request.path,
          headers: {
            ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(request.body === undefined ? {} : { body: request.body }),
        })),
      );
      client.on('response', (_status: number, _bytes: number, responseTime: number) => {
        latencies.push(responseTime);
      });
    },
  });
  return {
    connections: options.connections,
    durationS: result.duration,
    requestsPerSecond: latencies.length / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
