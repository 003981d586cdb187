import { copyFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startChildServer, type ChildServer } from '../../lib/child-server.js';
import { ownCpuSeconds, processCpuSeconds } from '../../lib/process-cpu.js';
import { withTempDir } from '../../lib/temp-dir.js';
import { summariseProfile, type CpuProfile, type ProfileSummary } from './cpu-profile.js';
import { runLoad, type LoadOptions, type LoadRun } from './http-load.js';
import { orderBodies } from './order-bodies.js';
import { call, setUpShop, STAFF, type Shop, type ShopSize } from './shop-setup.js';
import { ENGINE_NODE_FLAGS } from '../../../src/v8-tuning.js';

export interface RoundConfig {
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly shop: ShopSize;
  /** Distinct order bodies per round. */
  readonly bodies: number;
  /** Confirmed orders re-read with GET /v1/orders/:id after each round. */
  readonly verifySample: number;
}

/** One measured load: autocannon's view plus the CPU both processes used meanwhile. */
export interface Measured extends LoadRun {
  /** CPU cores the server child used on average (CPU seconds / wall seconds), all threads. */
  readonly serverCores: number;
  /** The same for its main thread alone (the event loop running the JavaScript). */
  readonly serverMainThreadCores: number;
  /** CPU cores the bench process (autocannon) used on average. */
  readonly clientCores: number;
}

export interface OrdersMeasured extends Measured {
  readonly confirmed: number;
  readonly confirmedPerSecond: number;
  /** Sampled confirmed answers re-read afterwards, and how many of them read back `confirmed`. */
  readonly verified: { readonly checked: number; readonly confirmed: number };
}

export interface Round {
  readonly echo?: Measured;
  readonly orders: OrdersMeasured;
  /** 1-minute load average before and after the round. */
  readonly loadAverage: readonly [number, number];
  /** How the children exited on SIGTERM (0: a clean shutdown). */
  readonly exitCodes: { readonly engine: number | null; readonly echo?: number | null };
}

export interface ProfiledRound extends Round {
  readonly profile: ProfileSummary;
}

const ORDERS_PATH = '/v1/orders';

/** Names a POST /v1/orders answer: its decision, or its status (and problem code). */
export function classifyOrder(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { status?: unknown; reason?: unknown; code?: unknown };
    if (status === 201 && parsed.status === 'confirmed') return 'confirmed';
    if (status === 201) return `rejected ${String(parsed.reason)}`;
    if (status === 202) return 'pending';
    return `HTTP ${status}${typeof parsed.code === 'string' ? ` ${parsed.code}` : ''}`;
  } catch {
    return `HTTP ${status} (not JSON)`;
  }
}

const classifyEcho = (status: number, body: string, sent: string): string =>
  status !== 200 ? `HTTP ${status}` : body === sent ? 'echoed' : 'echoed differently';

async function measure(
  server: ChildServer,
  config: RoundConfig,
  options: Omit<LoadOptions, 'base' | 'path' | 'connections' | 'durationMs'>,
  around: { before?: () => Promise<void>; after?: () => Promise<void> } = {},
): Promise<Measured> {
  const load = { ...options, base: server.base, path: ORDERS_PATH };
  await runLoad({ ...load, connections: config.connections, durationMs: config.warmupMs });
  await around.before?.();
  const [server0, client0, t0] = [
    processCpuSeconds(server.child.pid),
    ownCpuSeconds(),
    performance.now(),
  ];
  const run = await runLoad({
    ...load,
    connections: config.connections,
    durationMs: config.durationMs,
  });
  const wall = (performance.now() - t0) / 1000;
  const server1 = processCpuSeconds(server.child.pid);
  const clientCores = (ownCpuSeconds() - client0) / wall;
  await around.after?.();
  return {
    ...run,
    serverCores: (server1.total - server0.total) / wall,
    serverMainThreadCores: (server1.main - server0.main) / wall,
    clientCores,
  };
}

async function verify(base: string, shop: Shop, orderIds: readonly string[]) {
  let confirmed = 0;
  for (const orderId of orderIds) {
    const res = await call(base, 'GET', `/v1/orders/${orderId}`, { token: shop.staffToken });
    if (res.status === 200 && res.body.status === 'confirmed') confirmed++;
  }
  return { checked: orderIds.length, confirmed };
}

/** Fails fast, with the answer, when the API does not take the bodies as expected. */
async function placeOneOrder(base: string, shop: Shop, body: string): Promise<void> {
  const res = await fetch(`${base}${ORDERS_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${shop.customerTokens[0] ?? ''}`,
    },
    body,
  });
  const text = await res.text();
  if (classifyOrder(res.status, text) !== 'confirmed') {
    throw new Error(`POST ${ORDERS_PATH} answered ${res.status} ${text} to ${body}`);
  }
}

/**
 * One round on a fresh data directory: the engine and the echo server each in
 * a child process, the shop set up through the API, then (echo first, while
 * the engine is idle) a warm-up and a measured load against each. With
 * `profile`, the echo is skipped and the engine's CPU is profiled over the
 * measured window.
 */
export async function measureRound(
  config: RoundConfig,
  seed: number,
  profile: boolean,
): Promise<Round | ProfiledRound> {
  return withTempDir(async (dir) => {
    const loadBefore = os.loadavg()[0] ?? Number.NaN;
    const profileFile = path.join(dir, 'engine.cpuprofile');
    const engine = await startChildServer({
      name: 'engine',
      script: 'src/main.ts',
      nodeFlags: ENGINE_NODE_FLAGS,
      preload: profile ? ['bench/servers/cpu-profile-hook.ts'] : [],
      env: {
        DATA_DIR: path.join(dir, 'data'),
        ADMIN_EMAIL: STAFF.email,
        ADMIN_PASSWORD: STAFF.password,
        PAYMENT_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'warn',
        ...(profile ? { BENCH_CPU_PROFILE: profileFile } : {}),
      },
      readyPath: '/readyz',
    });
    let echo: ChildServer | undefined;
    // SIGTERM, and wait for them to exit; calling it again just waits again.
    const stopAll = () => Promise.all([engine.stop(), echo?.stop()]);
    try {
      if (!profile) {
        echo = await startChildServer({
          name: 'echo server',
          script: 'bench/servers/echo-server.ts',
          env: {},
          readyPath: '/healthz',
        });
      }
      const shop = await setUpShop(engine.base, config.shop, `${seed}`);
      const bodies = orderBodies(shop.productIds, config.bodies, seed);
      await placeOneOrder(engine.base, shop, bodies[0] ?? '{}');
      const shared = { tokens: shop.customerTokens, bodies };
      const echoRun = echo
        ? await measure(echo, config, { ...shared, classify: classifyEcho })
        : undefined;
      const profiling = (event: string) => async () => {
        const acknowledged = engine.nextLine((line) => line.includes('"cpuProfile"'));
        engine.child.kill('SIGUSR2');
        const line = await acknowledged;
        if (!line.includes(`"${event}"`)) throw new Error(`CPU profile: ${line}`);
      };
      const orderRun = await measure(
        engine,
        config,
        {
          ...shared,
          classify: classifyOrder,
          sampleOutcome: 'confirmed',
          sampleSize: config.verifySample,
        },
        profile ? { before: profiling('started'), after: profiling('written') } : {},
      );
      const { sampledIds, ...figures } = orderRun;
      const confirmed = figures.outcomes.confirmed ?? 0;
      const orders: OrdersMeasured = {
        ...figures,
        confirmed,
        confirmedPerSecond: confirmed / figures.durationS,
        verified: await verify(engine.base, shop, sampledIds ?? []),
      };
      const loadAfter = os.loadavg()[0] ?? Number.NaN;
      const [engineExit, echoExit] = await stopAll();
      const round: Round = {
        ...(echoRun ? { echo: echoRun } : {}),
        orders,
        loadAverage: [loadBefore, loadAfter],
        exitCodes: { engine: engineExit, ...(echo ? { echo: echoExit ?? null } : {}) },
      };
      if (!profile) return round;
      const keep = process.env.BENCH_CPU_PROFILE_OUT;
      if (keep) await copyFile(profileFile, keep);
      const recorded = JSON.parse(await readFile(profileFile, 'utf8')) as CpuProfile;
      return { ...round, profile: summariseProfile(recorded) };
    } finally {
      await stopAll();
    }
  });
}
