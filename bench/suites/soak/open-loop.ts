/**
 * An open-loop load: requests are sent on a fixed schedule (`rate` per
 * second) whether or not earlier ones have answered, and each latency is
 * measured from the request's scheduled time, so a stalled server shows up as
 * latency instead of silently slowing the client down (no coordinated omission).
 */
import type { PlannedRequest } from './workload.js';

export interface OpenLoopOptions {
  readonly base: string;
  readonly rate: number;
  readonly durationMs: number;
  /** Requests in flight beyond this are not sent and are counted as shed. */
  readonly maxInFlight: number;
  readonly next: () => PlannedRequest;
  /** Called once a second with the answers of that second. */
  readonly onSecond?: (second: number) => void;
}

export interface RouteSamples {
  readonly latenciesMs: number[];
  readonly statuses: Map<number, number>;
  errors: number;
}

export interface OpenLoopRun {
  readonly durationS: number;
  readonly sent: number;
  readonly shed: number;
  readonly answered: number;
  readonly byRoute: Map<string, RouteSamples>;
  /** Answers per second of the run, in order. */
  readonly answeredPerSecond: number[];
}

const TICK_MS = 2;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopRun> {
  const byRoute = new Map<string, RouteSamples>();
  const samplesFor = (route: string): RouteSamples => {
    let samples = byRoute.get(route);
    if (!samples) {
      samples = { latenciesMs: [], statuses: new Map(), errors: 0 };
      byRoute.set(route, samples);
    }
    return samples;
  };
  const answeredPerSecond: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  const intervalMs = 1000 / options.rate;
  let sent = 0;
  let shed = 0;
  let answered = 0;
  let scheduled = 0;

  const send = (request: PlannedRequest, scheduledAt: number) => {
    const samples = samplesFor(request.route);
    const headers: Record<string, string> = {};
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const call = fetch(`${options.base}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    })
      .then(async (res) => {
        const text = await res.text();
        samples.latenciesMs.push(performance.now() - scheduledAt);
        samples.statuses.set(res.status, (samples.statuses.get(res.status) ?? 0) + 1);
        answered++;
        const second = Math.floor((performance.now() - startedAt) / 1000);
        answeredPerSecond[second] = (answeredPerSecond[second] ?? 0) + 1;
        request.onAnswer?.(res.status, text);
      })
      .catch(() => {
        samples.errors++;
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
    sent++;
  };

  let lastSecond = 0;
  for (;;) {
    const elapsed = performance.now() - startedAt;
    if (elapsed >= options.durationMs) break;
    const due = Math.floor(elapsed / intervalMs) + 1;
    while (scheduled < due) {
      const scheduledAt = startedAt + scheduled * intervalMs;
      scheduled++;
      if (inFlight.size >= options.maxInFlight) shed++;
      else send(options.next(), scheduledAt);
    }
    const second = Math.floor(elapsed / 1000);
    if (second > lastSecond) {
      lastSecond = second;
      options.onSecond?.(second);
    }
    await sleep(TICK_MS);
  }
  await Promise.all([...inFlight]);
  for (let s = 0; s < answeredPerSecond.length; s++) answeredPerSecond[s] ??= 0;
  return {
    durationS: (performance.now() - startedAt) / 1000,
    sent,
    shed,
    answered,
    byRoute,
    answeredPerSecond,
  };
}
