import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Command and append latencies: sub-millisecond appends up to multi-second order decisions. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

export type CommandLabel = 'aggregate' | 'command' | 'outcome' | 'code';
export type AppendLabel = 'category' | 'outcome';

export interface EngineMetrics {
  /** One per engine, so several engines in one process keep apart. */
  readonly registry: Registry;
  readonly commandDuration: Histogram<CommandLabel>;
  readonly appendDuration: Histogram<AppendLabel>;
}

/**
 * The engine's Prometheus metrics. Labels hold only bounded sets (aggregate
 * categories, command types, outcomes and error codes), never ids.
 */
export function createEngineMetrics(): EngineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    commandDuration: new Histogram({
      name: 'commerce_command_duration_seconds',
      help: 'Commands handled, by aggregate, command type and outcome (ok, rejected with its code, conflict, error)',
      labelNames: ['aggregate', 'command', 'outcome', 'code'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    appendDuration: new Histogram({
      name: 'commerce_eventstore_append_duration_seconds',
      help: 'Appends to the event store, by stream category and outcome (ok, wrong_expected_revision, error)',
      labelNames: ['category', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}
