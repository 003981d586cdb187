/** One timed run: how many events were made durable, in how long. */
export interface ThroughputRun {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** A run of single-event appends, each also timed on its own. */
export interface AppendRun extends ThroughputRun {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export const throughput = (events: number, startedAt: number): ThroughputRun => {
  const seconds = (performance.now() - startedAt) / 1000;
  return { events, seconds, eventsPerSecond: events / seconds };
};
