import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import { SqliteEventStore } from '../../../src/stores/sqlite/sqlite-event-store.js';
import type { Ack } from './acks.js';
import { auditAcks } from './audit/ack-audit.js';
import { auditCoupons } from './audit/coupon-audit.js';
import { auditInventory, type StockLevels } from './audit/inventory-audit.js';
import { LogIndex } from './audit/log-index.js';
import { auditMoney, type LedgerRow } from './audit/money-audit.js';
import { auditOrders } from './audit/order-audit.js';
import { auditReadModels, rebuildReadModels } from './audit/read-model-audit.js';
import type { ChaosSize } from './chaos-config.js';
import { ChaosHttp, newTally, type HttpTally } from './chaos-http.js';
import { Random } from './random.js';
import { ServerPool } from './server-pool.js';
import { setUpShop, type Shop } from './shop.js';
import { LoadState, ShopClient } from './shop-client.js';
import { fulfilmentSettled, readWholeLog } from './settle.js';

export interface ChaosPlan {
  readonly size: ChaosSize;
  readonly seed: number;
  /** API processes sharing the data directory; the last one is the one killed. */
  readonly servers: 1 | 2;
}

export interface ChaosReport {
  readonly seed: number;
  readonly size: string;
  readonly servers: number;
  readonly kills: number;
  readonly killsDuringStart: number;
  readonly starts: number;
  readonly acknowledged: Readonly<Record<string, number>>;
  readonly requests: Omit<HttpTally, 'refusals'> & { refusals: Record<string, number> };
  readonly events: number;
  readonly orders: Readonly<Record<string, number>>;
  readonly rejections: Readonly<Record<string, number>>;
  readonly durationMs: number;
  readonly phasesMs: Readonly<Record<string, number>>;
}

export interface ChaosOutcome {
  readonly report: ChaosReport;
  readonly violations: {
    readonly http: string[];
    readonly acks: string[];
    readonly orders: string[];
    readonly inventory: string[];
    readonly coupons: string[];
    readonly money: string[];
    readonly readModels: string[];
    readonly shutdown: string[];
  };
}

const SETTLE_TIMEOUT_MS = 120_000;

/** `CHAOS_VERBOSE=1` narrates the run on stderr. */
const progress = (message: string) => {
  if (process.env.CHAOS_VERBOSE)
    process.stderr.write(`[chaos ${new Date().toISOString()}] ${message}\n`);
};

/**
 * Runs the shop under load on one data directory while SIGKILLing the
 * (last) server at seeded random moments, then restarts a single server,
 * lets it settle and audits the log, the API and the read models.
 */
export async function runChaos(plan: ChaosPlan): Promise<ChaosOutcome> {
  const started = Date.now();
  const random = new Random(plan.seed);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-chaos-'));
  const pool = new ServerPool(dataDir);
  const victim = plan.servers - 1;
  const tally = newTally();
  const phases: Record<string, number> = {};
  try {
    for (let slot = 0; slot < plan.servers; slot++) await pool.start(slot);
    const shop = await setUpShop(pool.baseOf(0), plan.size);
    const state = new LoadState(shop);
    const clients = Array.from({ length: plan.size.clients }, () =>
      new ShopClient(state, new ChaosHttp(pool, random.fork(), tally), random.fork()).run(),
    );
    const killer = random.fork();
    phases.setUp = Date.now() - started;
    progress(`shop set up; ${plan.size.clients} clients start`);
    for (let kill = 0; kill < plan.size.kills;) {
      await delay(killer.int(...plan.size.upMs));
      const latency = { GATEWAY_LATENCY_MS: String(killer.int(0, 40)) };
      await pool.kill(victim);
      kill += 1;
      progress(`kill ${kill}, ${state.acks.length} acknowledged so far`);
      // At least one kill lands while the server starts up again.
      const lastChance = pool.stats.killsDuringStart === 0 && kill === plan.size.kills - 1;
      if (kill < plan.size.kills && (lastChance || killer.chance(0.2))) {
        await pool.killDuringStart(victim, killer.int(0, 1500), latency);
        kill += 1;
      } else await pool.start(victim, latency);
    }
    await delay(killer.int(...plan.size.upMs));
    state.stopped = true;
    await Promise.all(clients);
    phases.load = Date.now() - started - phases.setUp;

    // One last crash of everything, then a single server finishes the work.
    await pool.killAll();
    await pool.start(0);
    progress('load stopped; one server restarted to settle');
    const base = pool.baseOf(0);
    return await audit(plan, { dataDir, pool, base, shop, state, tally, started, phases });
  } finally {
    await pool.killAll();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function audit(
  plan: ChaosPlan,
  run: {
    dataDir: string;
    pool: ServerPool;
    base: string;
    shop: Shop;
    state: LoadState;
    tally: HttpTally;
    started: number;
    phases: Record<string, number>;
  },
): Promise<ChaosOutcome> {
  const { dataDir, pool, base, shop, state, tally } = run;
  const store = await SqliteEventStore.open({ dataDir });
  try {
    const settling = Date.now();
    await fulfilmentSettled(store, SETTLE_TIMEOUT_MS);
    run.phases.settle = Date.now() - settling;
    progress('fulfilment settled');
    const head = (await store.headPosition()) ?? '0';
    await readModelsReached(base, shop, head);
    progress('read models reached the head; auditing');
    const apiLevels = new Map<string, StockLevels>();
    for (const productId of shop.productIds) {
      const { onHand, reserved, available } = await getJson(
        base,
        `/v1/inventory/${productId}`,
        shop.adminToken,
      );
      apiLevels.set(productId, { onHand, reserved, available } as StockLevels);
    }
    const exit = await pool.stop(0);
    progress(`server stopped (${exit}); rebuilding the read models`);

    const log = new LogIndex(await readWholeLog(store));
    const ledger = readLedger(dataDir);
    const { orders, violations: orderViolations } = auditOrders(log);
    const live = await EmbeddedReadStore.open({ dataDir });
    let readModels: string[];
    const rebuilding = Date.now();
    try {
      readModels = await auditReadModels(live, await rebuildReadModels(store, head));
      run.phases.rebuild = Date.now() - rebuilding;
    } finally {
      await live.close();
    }
    return {
      report: {
        seed: plan.seed,
        size: plan.size.name,
        servers: plan.servers,
        kills: pool.stats.kills,
        killsDuringStart: pool.stats.killsDuringStart,
        starts: pool.stats.starts,
        acknowledged: countBy(state.acks, (ack: Ack) => ack.kind),
        requests: { ...tally, refusals: Object.fromEntries(tally.refusals) },
        events: log.events.length,
        orders: countBy([...orders.values()], (o) => o.status),
        rejections: countBy(
          [...orders.values()].filter((o) => o.status === 'rejected'),
          (o) => o.rejection ?? '?',
        ),
        durationMs: Date.now() - run.started,
        phasesMs: run.phases,
      },
      violations: {
        http: state.unexpected,
        acks: auditAcks(state.acks, log),
        orders: orderViolations,
        inventory: auditInventory(log, orders, apiLevels),
        coupons: auditCoupons(log, orders),
        money: auditMoney(log, orders, ledger),
        readModels,
        shutdown: exit === 0 ? [] : [...pool.problems()],
      },
    };
  } finally {
    await store.close();
  }
}

/** Asks one query of each read model to wait for `head` (503 while it has not got there). */
async function readModelsReached(base: string, shop: Shop, head: string): Promise<void> {
  const customer = shop.customers[0]!;
  const productId = shop.productIds[0]!;
  const today = new Date().toISOString().slice(0, 10);
  const queries: [string, string][] = [
    [`/v1/catalog?limit=1`, shop.adminToken],
    [`/v1/search?q=chaos`, shop.adminToken],
    [`/v1/me/orders?limit=1`, customer.token],
    [`/v1/reports/sales?from=${today}&to=${today}`, shop.adminToken],
    [`/v1/recommendations/${productId}`, shop.adminToken],
  ];
  for (const [url, token] of queries) {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${base}${url}`, {
        headers: { authorization: `Bearer ${token}`, 'x-min-position': head },
      });
      await response.arrayBuffer();
      if (response.status === 200) break;
      if (response.status !== 503 || attempt >= 24) {
        throw new Error(`GET ${url} with X-Min-Position ${head} -> ${response.status}`);
      }
    }
  }
}

async function getJson(base: string, url: string, token: string): Promise<Record<string, number>> {
  const response = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET ${url} -> ${response.status}`);
  return (await response.json()) as Record<string, number>;
}

function readLedger(dataDir: string): LedgerRow[] {
  const db = new Database(path.join(dataDir, 'payment-gateway.sqlite'), { readonly: true });
  try {
    return db.prepare<[], LedgerRow>('SELECT key, kind, amount, currency, ref FROM ledger').all();
  } finally {
    db.close();
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** Chaos timing (how long a server lives), never synchronisation. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
