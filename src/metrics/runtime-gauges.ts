import { Gauge, type Registry } from 'prom-client';
import type { RunningProcess } from '../processes/process-runner.js';
import type { ProjectionState } from '../projections/projection-status.js';
import type { ReadModels } from '../projections/read-models.js';
import { parsePosition } from '../stores/position.js';

const STATES: readonly ProjectionState[] = [
  'starting',
  'catching-up',
  'live',
  'standby',
  'stopped',
  'failed',
];

/** A position as a number (commit part; beyond 2^53 it loses precision, fine for a gauge). */
const positionValue = (position: string | null | undefined): number =>
  position ? Number(parsePosition(position)[0]) : 0;

/**
 * Gauges read at scrape time from the running read models and processes:
 * nothing is counted on the hot path.
 */
export function registerRuntimeGauges(
  registry: Registry,
  sources: {
    readonly readModels: ReadModels;
    readonly processes: Readonly<Record<string, RunningProcess>>;
  },
): void {
  const statuses = () => [...sources.readModels.running.values()].map((p) => p.status());
  const perProjection = (
    name: string,
    help: string,
    value: (s: ReturnType<typeof statuses>[number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['projection'],
      registers: [registry],
      collect() {
        this.reset();
        for (const status of statuses()) this.set({ projection: status.name }, value(status));
      },
    });

  perProjection(
    'commerce_projection_position',
    'Log position of the projection checkpoint (the commit position on KurrentDB)',
    (s) => positionValue(s.position),
  );
  perProjection(
    'commerce_projection_lag_events',
    'Events the projection selects that lie after its checkpoint',
    (s) => s.lagEvents,
  );
  perProjection(
    'commerce_projection_lag_seconds',
    'Age of the oldest event read by the projection and not yet committed',
    (s) => s.lagMs / 1000,
  );
  perProjection(
    'commerce_projection_dead_letters',
    'Events parked as dead letters by the projection',
    (s) => s.deadLetters,
  );
  new Gauge({
    name: 'commerce_projection_status',
    help: 'The projection runner state: 1 for the current one',
    labelNames: ['projection', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of statuses())
        for (const state of STATES)
          this.set({ projection: s.name, status: state }, s.status === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'commerce_process_in_flight',
    help: 'Events a process manager has received and not finished handling',
    labelNames: ['process'],
    registers: [registry],
    collect() {
      for (const [name, process] of Object.entries(sources.processes))
        this.set({ process: name }, process.inFlight());
    },
  });
  new Gauge({
    name: 'commerce_process_position',
    help: 'Log position up to which a process manager has handled every event',
    labelNames: ['process'],
    registers: [registry],
    collect() {
      for (const [name, process] of Object.entries(sources.processes))
        this.set({ process: name }, positionValue(process.position()));
    },
  });
}
