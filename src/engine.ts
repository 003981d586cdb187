import os from 'node:os';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from './api/app.js';
import { localSecret } from './api/auth/local-secrets.js';
import { LoginLimiter } from './api/auth/login-limiter.js';
import { ensureStaffAccount } from './api/auth/staff-account.js';
import { AccessTokens } from './api/auth/tokens.js';
import { createCommandHandler, type CommandHandler } from './commands/command-handler.js';
import { RunOnce } from './commands/run-once.js';
import type { Config } from './config.js';
import type { Clock } from './events/envelope.js';
import { newEventId } from './events/event-ids.js';
import { Jobs } from './ops/jobs.js';
import { Operations } from './ops/operations.js';
import { eventLogFields } from './logging/log.js';
import { createEngineMetrics } from './metrics/engine-metrics.js';
import { observedCommandHandler } from './metrics/observed-command-handler.js';
import { registerRuntimeGauges } from './metrics/runtime-gauges.js';
import { timedEventStore } from './metrics/timed-event-store.js';
import { SimulatedPaymentGateway } from './gateways/simulated-payment-gateway.js';
import { EventStoreCheckpoints } from './processes/checkpoints.js';
import { OrderDecisions } from './processes/order-decisions.js';
import { FULFILMENT, orderFulfilment } from './processes/order-fulfilment.js';
import type { PaymentGateway } from './processes/payment-gateway.js';
import { runProcess, type RunningProcess } from './processes/process-runner.js';
import { PausableProcess } from './processes/pausable-process.js';
import { ReservationExpiry } from './processes/reservation-expiry.js';
import type { EventStore } from './stores/event-store.js';
import { PROJECTIONS, startReadModels, type ReadModels } from './projections/read-models.js';
import { outdatedReadModels } from './projections/read-model-versions.js';
import { openEventStore } from './stores/open-event-store.js';
import { openReadStore } from './stores/open-read-store.js';
import type { ReadStore } from './stores/read-store.js';
import type { Registry } from 'prom-client';

export interface Engine {
  readonly app: Express;
  readonly eventStore: EventStore;
  readonly handler: CommandHandler;
  readonly fulfilment: RunningProcess;
  readonly readStore: ReadStore;
  readonly readModels: ReadModels;
  readonly jobs: Jobs;
  /** Inspect, time travel, rebuild, verify, replay, dead letters (behind /v1/ops). */
  readonly operations: Operations;
  /** This engine's Prometheus registry (served at GET /metrics). */
  readonly metrics: Registry;
  readonly description: string;
  /** The staff account created from a generated password on first start, to be shown once. */
  readonly generatedStaffLogin: { email: string; password: string } | undefined;
  close(): Promise<void>;
}

export interface EngineOverrides {
  readonly clock?: Clock;
  readonly gateway?: PaymentGateway;
  /** How long a query waits for `X-Min-Position` before a 503 (default 5000 ms). */
  readonly consistencyWaitMs?: number;
}

const DEFAULT_STAFF_EMAIL = 'admin@commerce.local';

/** Wires the stores, the command side, the fulfilment process and the HTTP app. */
export async function startEngine(
  config: Config,
  logger: Logger,
  overrides: EngineOverrides = {},
): Promise<Engine> {
  const clock = overrides.clock ?? (() => new Date());
  const metrics = createEngineMetrics();
  const opened = await openEventStore(config);
  const { snapshots, description } = opened;
  const eventStore = timedEventStore(opened.eventStore, metrics.appendDuration);
  const { readStore, description: readDescription } = await openReadStore(config);
  const holder = `${os.hostname()}:${process.pid}:${newEventId()}`;
  // Before the runners start, so a new read model is recorded at its current version.
  const outdated = await outdatedReadModels(readStore, PROJECTIONS);
  const readModels = await startReadModels({
    eventStore,
    readStore,
    holder,
    threads: {
      stores: {
        eventStoreUrl: config.eventStoreUrl,
        eventStoreDir: config.dataDir,
        mongoUrl: config.mongoUrl,
        readStoreDir: config.dataDir,
        readCacheMiB: config.readCacheMiB,
      },
    },
    onError: (projection, err, event) =>
      logger.warn(
        { err, projection, ...(event && eventLogFields(event)) },
        event
          ? 'read model could not apply an event; retrying, then parking it'
          : 'read model update failed; retrying',
      ),
  });
  const handler = observedCommandHandler(
    createCommandHandler({ eventStore, snapshots, clock }),
    metrics.commandDuration,
  );
  const simulated = overrides.gateway
    ? undefined
    : new SimulatedPaymentGateway(config.dataDir, config.gatewayLatencyMs);
  const gateway = overrides.gateway ?? (simulated as PaymentGateway);

  let generatedStaffLogin: Engine['generatedStaffLogin'];
  if (config.adminEmail && config.adminPassword) {
    await ensureStaffAccount(handler, clock, config.adminEmail, config.adminPassword);
  } else {
    const { value, created } = localSecret(config.dataDir, 'admin-password');
    if (created) {
      await ensureStaffAccount(handler, clock, DEFAULT_STAFF_EMAIL, value);
      generatedStaffLogin = { email: DEFAULT_STAFF_EMAIL, password: value };
    }
  }

  const expiry = new ReservationExpiry(handler, clock, (err) =>
    logger.warn({ err }, 'expiring reservations failed; will retry'),
  );
  expiry.start(Math.min(30_000, Math.max(250, config.reservationTtlMs / 4)));
  const startFulfilment = () =>
    runProcess(
      orderFulfilment({
        handler,
        gateway,
        clock,
        paymentTimeoutMs: config.paymentTimeoutMs,
        reservationTtlMs: config.reservationTtlMs,
        expiry,
        log: logger.child({ process: FULFILMENT }),
        eventStore,
      }),
      {
        eventStore,
        checkpoints: new EventStoreCheckpoints(eventStore, newEventId),
        onError: (err, event, attempt) =>
          logger.warn(
            { err, process: FULFILMENT, ...eventLogFields(event), attempt },
            'fulfilment step failed; retrying',
          ),
        onSubscriptionError: (err, attempt) =>
          logger.error(
            { err, process: FULFILMENT, attempt },
            'fulfilment cannot read the log; resubscribing',
          ),
      },
    );
  const fulfilment = new PausableProcess(await startFulfilment(), startFulfilment);
  registerRuntimeGauges(metrics.registry, { readModels, processes: { [FULFILMENT]: fulfilment } });
  const decisions = await OrderDecisions.start(eventStore);
  const jobs = new Jobs();
  const operations = new Operations({
    eventStore,
    readStore,
    readModels,
    snapshots,
    holder: `${holder}:ops`,
  });
  // Documents of an older projection version are rebuilt in the background; the old ones serve meanwhile.
  for (const projection of outdated) {
    logger.info(
      { projection: projection.name },
      'read model built by an older version; rebuilding',
    );
    jobs.start(`rebuild ${projection.name}`, (onProgress) =>
      operations.rebuild(projection.name, onProgress).then(
        (result) => logger.info({ projection: projection.name, ...result }, 'read model rebuilt'),
        (err: unknown) =>
          logger.warn({ err, projection: projection.name }, 'read model rebuild did not run'),
      ),
    );
  }
  const app = createApp(
    {
      eventStore,
      handler,
      once: new RunOnce(eventStore, newEventId),
      tokens: new AccessTokens(config.jwtSecret ?? localSecret(config.dataDir, 'jwt-secret').value),
      loginLimiter: new LoginLimiter(),
      decisions,
      readStore,
      readModels,
      clock,
      jobs,
      operations,
      metrics: metrics.registry,
      pauseProcesses: () => fulfilment.pause(),
      dataDir: config.dataDir,
      orderDecisionWaitMs: 2000,
      ...(overrides.consistencyWaitMs === undefined
        ? {}
        : { consistencyWaitMs: overrides.consistencyWaitMs }),
    },
    logger,
  );

  return {
    app,
    eventStore,
    handler,
    fulfilment,
    readStore,
    readModels,
    jobs,
    operations,
    metrics: metrics.registry,
    description: `${description}; read models in ${readDescription}`,
    generatedStaffLogin,
    async close() {
      decisions.stop();
      await expiry.stop();
      await fulfilment.stop();
      await readModels.stop();
      simulated?.close();
      await readStore.close();
      await eventStore.close();
    },
  };
}
