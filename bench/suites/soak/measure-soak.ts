/**
 * One soak run on a fresh data directory: the engine and the echo server in
 * child processes, raw SQLite ceilings, a throughput sweep over concurrency,
 * then the mixed workload at a steady rate for the soak's duration while the
 * engine's memory and projection lag are read every second.
 */
import os from 'node:os';
import path from 'node:path';
import { startChildServer, type ChildServer } from '../../lib/child-server.js';
import { withTempDir } from '../../lib/temp-dir.js';
import { STAFF, login } from '../place-order/shop-setup.js';
import { runClosedLoop, type ClosedLoopRun } from './closed-loop.js';
import { runOpenLoop } from './open-loop.js';
import { readEngine, type Reading } from './samplers.js';
import { setUpSoakShop } from './soak-shop.js';
import { measureSqliteCeilings, type SqliteCeilings } from './sqlite-ceilings.js';
import {
  lagFigures,
  memoryFigures,
  routeFigures,
  type LagFigures,
  type MemoryFigures,
  type Percentiles,
  type RouteFigures,
} from './summaries.js';
import { STATELESS_ROUTES, Workload, type PlannedRequest, type SoakShop } from './workload.js';
import { ENGINE_NODE_FLAGS } from '../../../src/v8-tuning.js';

export interface SoakConfig {
  readonly seed: number;
  readonly shop: {
    readonly products: number;
    readonly stockPerProduct: number;
    readonly customers: number;
    readonly ordersPerCustomer: number;
  };
  readonly sweepConnections: readonly number[];
  readonly sweepMs: number;
  /** Requests per second of the soak (open loop). */
  readonly rate: number;
  readonly soakMs: number;
  /** The same load before the measured soak, so bounded caches fill before memory is judged. */
  readonly warmupMs: number;
  /** The echo route under the same workload and rate, for the latency ceiling. */
  readonly echoMs: number;
  readonly maxInFlight: number;
}

export interface SweepPoint {
  readonly connections: number;
  readonly engine: ClosedLoopRun & { readonly eventsPerSecond: number };
  readonly echo: ClosedLoopRun;
}

export interface SoakRun {
  readonly loadAverage: readonly [number, number];
  readonly ceilings: SqliteCeilings;
  readonly sweep: readonly SweepPoint[];
  /** 64 connections of single-product reads (GET /v1/catalog/:id). */
  readonly productReads: ClosedLoopRun;
  readonly soak: {
    readonly durationS: number;
    readonly sent: number;
    readonly shed: number;
    readonly answered: number;
    readonly answeredPerSecondMedian: number;
    readonly eventsAppended: number;
    readonly routes: readonly RouteFigures[];
    readonly overall: Percentiles;
  };
  readonly echoAtRate: { readonly routes: readonly RouteFigures[]; readonly overall: Percentiles };
  readonly readings: readonly Reading[];
  /** Readings during the warm-up, `second` counted back from the soak's start (negative). */
  readonly warmupReadings?: readonly Reading[];
  readonly lag: readonly LagFigures[];
  readonly memory: MemoryFigures;
  /** After the load stopped: until every read model had caught up with the head. */
  readonly settleMs: number;
  readonly exitCodes: { readonly engine: number | null; readonly echo: number | null };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function plannedFor(shop: SoakShop, seed: number, routes?: ReadonlySet<string>) {
  return (connection: number, count: number): PlannedRequest[] => {
    const workload = new Workload(shop, seed * 1_000 + connection, routes);
    return Array.from({ length: count }, () => workload.next());
  };
}

async function headOf(base: string): Promise<number> {
  const res = await fetch(`${base}/readyz`);
  const body = (await res.json()) as { eventStore?: { headPosition?: string | null } };
  return Number(body.eventStore?.headPosition ?? 0);
}

async function sweepPoint(
  engine: ChildServer,
  echo: ChildServer,
  shop: SoakShop,
  config: SoakConfig,
  connections: number,
): Promise<SweepPoint> {
  const requestsFor = plannedFor(shop, config.seed + connections, STATELESS_ROUTES);
  const echoRun = await runClosedLoop({
    base: echo.base,
    connections,
    durationMs: config.sweepMs,
    requestsFor,
  });
  const head0 = await headOf(engine.base);
  const engineRun = await runClosedLoop({
    base: engine.base,
    connections,
    durationMs: config.sweepMs,
    requestsFor,
  });
  const head1 = await headOf(engine.base);
  return {
    connections,
    engine: { ...engineRun, eventsPerSecond: (head1 - head0) / engineRun.durationS },
    echo: echoRun,
  };
}

async function settle(base: string, opsToken: string, pid: number | undefined): Promise<number> {
  const startedAt = performance.now();
  for (;;) {
    const reading = await readEngine(base, pid, opsToken, 0);
    const lags = Object.values(reading.lagEvents);
    if (lags.length === 0) return Number.NaN;
    if (lags.every((lag) => lag === 0)) return performance.now() - startedAt;
    if (performance.now() - startedAt > 120_000) return Number.NaN;
    await sleep(100);
  }
}

export async function measureSoak(config: SoakConfig, log: (m: string) => void): Promise<SoakRun> {
  return withTempDir(async (dir) => {
    const loadBefore = os.loadavg()[0] ?? Number.NaN;
    log('raw SQLite ceilings');
    const ceilings = measureSqliteCeilings(dir, config.soakMs < 60_000);
    const engine = await startChildServer({
      name: 'engine',
      script: 'src/main.ts',
      nodeFlags: ENGINE_NODE_FLAGS,
      env: {
        DATA_DIR: path.join(dir, 'data'),
        ADMIN_EMAIL: STAFF.email,
        ADMIN_PASSWORD: STAFF.password,
        PAYMENT_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'warn',
      },
      readyPath: '/readyz',
    });
    let echo: ChildServer | undefined;
    const stopAll = () => Promise.all([engine.stop(), echo?.stop()]);
    try {
      echo = await startChildServer({
        name: 'echo server',
        script: 'bench/servers/echo-server.ts',
        env: {},
        readyPath: '/healthz',
      });
      log('setting up the shop');
      const shop = await setUpSoakShop(engine.base, config.shop, config.seed);
      const opsToken = await login(engine.base, STAFF.email, STAFF.password);

      const sweep: SweepPoint[] = [];
      for (const connections of config.sweepConnections) {
        log(`sweep: ${connections} connections`);
        sweep.push(await sweepPoint(engine, echo, shop, config, connections));
      }
      log('single-product reads at 64 connections');
      const productReads = await runClosedLoop({
        base: engine.base,
        connections: 64,
        durationMs: config.sweepMs,
        requestsFor: plannedFor(shop, config.seed, new Set(['GET /v1/catalog/:id'])),
      });
      await settle(engine.base, opsToken, engine.child.pid);

      log(`echo at ${config.rate} requests/s`);
      const echoRun = await runOpenLoop({
        base: echo.base,
        rate: config.rate,
        durationMs: config.echoMs,
        maxInFlight: config.maxInFlight,
        next: (() => {
          const workload = new Workload(shop, config.seed + 1);
          return () => workload.next();
        })(),
      });

      const workload = new Workload(shop, config.seed + 2);
      log(`warm-up: ${config.rate} requests/s for ${config.warmupMs / 1000} s`);
      const warmup: Promise<Reading>[] = [];
      const warmupS = Math.round(config.warmupMs / 1000);
      await runOpenLoop({
        base: engine.base,
        rate: config.rate,
        durationMs: config.warmupMs,
        maxInFlight: config.maxInFlight,
        next: () => workload.next(),
        onSecond: (second) => {
          warmup.push(readEngine(engine.base, engine.child.pid, opsToken, second - warmupS));
        },
      });
      log(`soak: ${config.rate} requests/s for ${config.soakMs / 1000} s`);
      const readings: Promise<Reading>[] = [];
      const head0 = await headOf(engine.base);
      const soakStartedAt = performance.now();
      const soakRun = await runOpenLoop({
        base: engine.base,
        rate: config.rate,
        durationMs: config.soakMs,
        maxInFlight: config.maxInFlight,
        next: () => workload.next(),
        onSecond: (second) => {
          readings.push(readEngine(engine.base, engine.child.pid, opsToken, second));
          if (second % 30 === 0) log(`soak: ${second} s`);
        },
      });
      const eventsAppended = (await headOf(engine.base)) - head0;
      const settleMs = await settle(engine.base, opsToken, engine.child.pid);
      const soakReadings = await Promise.all(readings);
      log(`soak done in ${((performance.now() - soakStartedAt) / 1000).toFixed(0)} s`);
      const answered = soakRun.answeredPerSecond.slice(1, -1);
      const loadAfter = os.loadavg()[0] ?? Number.NaN;
      const [engineExit, echoExit] = await stopAll();
      return {
        loadAverage: [loadBefore, loadAfter],
        ceilings,
        sweep,
        productReads,
        soak: {
          durationS: soakRun.durationS,
          sent: soakRun.sent,
          shed: soakRun.shed,
          answered: soakRun.answered,
          answeredPerSecondMedian: answered.length
            ? ([...answered].sort((a, b) => a - b)[answered.length >> 1] ?? 0)
            : 0,
          eventsAppended,
          ...routeFigures(soakRun),
        },
        echoAtRate: routeFigures(echoRun),
        readings: soakReadings,
        warmupReadings: await Promise.all(warmup),
        lag: lagFigures(soakReadings),
        memory: memoryFigures(soakReadings),
        settleMs,
        exitCodes: { engine: engineExit, echo: echoExit ?? null },
      };
    } finally {
      await stopAll();
    }
  });
}
