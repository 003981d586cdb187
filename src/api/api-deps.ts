import type { CommandHandler } from '../commands/command-handler.js';
import type { RunOnce } from '../commands/run-once.js';
import type { Clock } from '../events/envelope.js';
import type { OrderDecisions } from '../processes/order-decisions.js';
import type { ReadModels } from '../projections/read-models.js';
import type { Jobs } from '../ops/jobs.js';
import type { Operations } from '../ops/operations.js';
import type { EventStore } from '../stores/event-store.js';
import type { ReadStore } from '../stores/read-store.js';
import type { Registry } from 'prom-client';
import type { LoginLimiter } from './auth/login-limiter.js';
import type { AccessTokens } from './auth/tokens.js';

/** What the HTTP layer is given by the wiring in main.ts. */
export interface ApiDeps {
  readonly eventStore: EventStore;
  readonly handler: CommandHandler;
  readonly once: RunOnce;
  readonly tokens: AccessTokens;
  readonly loginLimiter: LoginLimiter;
  readonly decisions: OrderDecisions;
  readonly readStore: ReadStore;
  readonly readModels: ReadModels;
  readonly clock: Clock;
  /** Long operations started over HTTP (rebuild, replay, export, import, seed). */
  readonly jobs: Jobs;
  /** The operator's powers behind /v1/ops (built from the stores when not given). */
  readonly operations?: Operations;
  /** The engine's Prometheus registry, served at GET /metrics. */
  readonly metrics: Registry;
  /**
   * Pauses this engine's fulfilment process for bulk writes to the log (an
   * import, the demo-shop seed); resolves with the function that resumes it.
   */
  readonly pauseProcesses?: () => Promise<() => Promise<void>>;
  /** Where this process keeps its data (exports are written under it). */
  readonly dataDir: string;
  /** How long POST /v1/orders waits for the fulfilment decision before answering 202. */
  readonly orderDecisionWaitMs: number;
  /** How long a query waits for its read model to reach `X-Min-Position` before a 503 (default 5000). */
  readonly consistencyWaitMs?: number;
}
