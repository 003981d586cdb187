import { createCommandHandler } from '../../commands/command-handler.js';
import { inventoryAggregate, availability } from '../../commands/inventory.js';
import { productAggregate } from '../../commands/product.js';
import { AppError } from '../../errors.js';
import { inventoryStream } from '../../events/inventory.js';
import { money } from '../../events/money.js';
import { productStream } from '../../events/product.js';
import { EventStoreCheckpoints } from '../../processes/checkpoints.js';
import { FULFILMENT, orderFulfilment } from '../../processes/order-fulfilment.js';
import type { EventStore } from '../../stores/event-store.js';
import { comparePositions } from '../../stores/position.js';
import type { SnapshotStore } from '../../stores/snapshot-store.js';
import type { ProgressListener } from '../progress.js';
import { Random } from './random.js';
import { createCatalog, createCoupons, receiveStock, type SeedProduct } from './seed-catalog.js';
import {
  emptyStats,
  fulfilmentDriver,
  STAFF,
  type SeedContext,
  type SeedStats,
} from './seed-context.js';
import { demoPasswordHash, planCustomers, registerCustomer } from './seed-customers.js';
import { seededIds } from './seed-ids.js';
import type { SeedOptions } from './seed-options.js';
import { seedGateway } from './seed-gateway.js';
import { placeOrder, type OrderPlanner } from './seed-orders.js';
import { SimulatedClock } from './simulated-clock.js';

const DAY = 86_400_000;

export interface SeedDeps {
  readonly eventStore: EventStore;
  readonly snapshots?: SnapshotStore;
  /**
   * Move the fulfilment checkpoint past the seeded orders when nothing was
   * waiting for it before (the seed did the process's work). Off inside a
   * running server, whose own process keeps its checkpoint.
   */
  readonly saveCheckpoint?: boolean;
}

export interface SeedResult extends SeedStats {
  readonly seed: number;
  readonly from: string;
  readonly until: string;
  readonly events: number;
  readonly demoPassword: string;
}

/**
 * Builds a demo shop through the command side: products, stock, coupons and
 * customers, then months of orders on a simulated clock, each decided by the
 * fulfilment process, with shipping, delivery, cancellations, refunds and
 * reviews following at later simulated times.
 */
export async function seedShop(
  deps: SeedDeps,
  options: SeedOptions,
  onProgress?: ProgressListener,
): Promise<SeedResult> {
  await assertNoCatalog(deps.eventStore);
  const end = options.until.getTime();
  const start = addMonths(end, -options.months);
  const period = { start, end };
  const clock = new SimulatedClock(start);
  const random = new Random(options.seed);
  const newId = seededIds(clock, random.fork(1));
  let events = 0;
  const eventStore = countingAppends(deps.eventStore, (n) => (events += n));
  const handler = createCommandHandler({
    eventStore,
    ...(deps.snapshots ? { snapshots: deps.snapshots } : {}),
    clock: clock.now,
    newId,
    random: () => 0.5,
  });
  const fulfilment = orderFulfilment({
    handler,
    gateway: seedGateway,
    clock: clock.now,
    paymentTimeoutMs: 10_000,
    reservationTtlMs: 30 * 60_000,
    eventStore,
  });
  const checkpointSafe =
    deps.saveCheckpoint === true && (await fulfilmentIsCurrent(deps.eventStore));
  const ctx: SeedContext = {
    handler,
    eventStore,
    clock,
    random: random.fork(2),
    newId,
    stats: emptyStats(),
    fulfil: fulfilmentDriver(eventStore, fulfilment, clock, random.fork(3)),
  };
  const total = options.products * 4 + options.customers * 3 + options.orders * 14;
  const progress = () => onProgress?.({ processed: events, total: Math.max(total, events) });

  const products = await createCatalog(ctx, options.products);
  const coupons = await createCoupons(ctx, period, options.orders);
  const customers = planCustomers(ctx, options.customers, period);
  const passwordHash = await demoPasswordHash(options.seed);
  progress();

  const days = Math.max(1, Math.round((end - start) / DAY));
  const buckets = new Map<number, { at: number; seq: number; work: () => Promise<void> }[]>();
  let seq = 0;
  const schedule = (at: number, work: () => Promise<void>) => {
    const day = Math.floor((at - start) / DAY);
    if (at >= end) return;
    const bucket = buckets.get(day) ?? [];
    bucket.push({ at, seq: seq++, work });
    buckets.set(day, bucket);
  };
  const plan: OrderPlanner = { products, coupons, reviewed: new Set(), schedule };
  const perDay = ordersPerDay(start, days, options.orders);
  let registered = 0;

  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY;
    while (registered < customers.length && customers[registered]!.registersAt < dayStart + DAY) {
      const customer = customers[registered]!;
      clock.moveTo(customer.registersAt);
      await registerCustomer(ctx, customer, passwordHash);
      registered += 1;
    }
    if (day % 7 === 6) await restock(ctx, products);
    if (day % 19 === 18) await changePrice(ctx, products);
    if (day === Math.floor(days * 0.6)) await discontinue(ctx, products);
    const available = registered;
    for (let i = 0; i < (perDay[day] ?? 0); i++) {
      const at = dayStart + 8 * 3_600_000 + ctx.random.next() * 15 * 3_600_000;
      schedule(at, async () => {
        const index = Math.floor(available * ctx.random.next() ** 1.5);
        const customer = customers[index];
        if (customer) await placeOrder(ctx, plan, customer);
        progress();
      });
    }
    // Work scheduled while the day runs (an early cancellation) joins the same bucket.
    for (;;) {
      const bucket = buckets.get(day);
      if (!bucket || bucket.length === 0) break;
      buckets.delete(day);
      bucket.sort((a, b) => a.at - b.at || a.seq - b.seq);
      for (const item of bucket) {
        clock.moveTo(item.at);
        await item.work();
      }
    }
  }
  if (checkpointSafe) await saveFulfilmentCheckpoint(deps.eventStore, newId);
  progress();
  return {
    seed: options.seed,
    from: new Date(start).toISOString(),
    until: new Date(end).toISOString(),
    ...ctx.stats,
    events,
    demoPassword: 'demo-password',
  };
}

/** The demo shop goes into a store without products (its SKUs and ids would clash). */
export async function assertNoCatalog(eventStore: EventStore): Promise<void> {
  const [existing] = await eventStore.listStreams({ prefix: 'product-', limit: 1 });
  if (existing) {
    throw new AppError(
      'STORE_HAS_CATALOG',
      'The store already has products: the demo shop is seeded into a store without a catalog',
    );
  }
}

/** Orders per day: more at weekends, in late November and in December, growing over time. */
function ordersPerDay(start: number, days: number, orders: number): number[] {
  const weights = Array.from({ length: days }, (_, day) => {
    const date = new Date(start + day * DAY);
    const weekday = date.getUTCDay();
    const month = date.getUTCMonth();
    let weight = 1 + (0.6 * day) / days;
    if (weekday === 0 || weekday === 6) weight *= 1.3;
    if (month === 11) weight *= 1.6;
    if (month === 10 && date.getUTCDate() >= 24) weight *= 1.8;
    return weight;
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  let placed = 0;
  let cumulative = 0;
  return weights.map((weight) => {
    cumulative += weight;
    const due = Math.round((orders * cumulative) / sum);
    const today = due - placed;
    placed = due;
    return today;
  });
}

async function restock(ctx: SeedContext, products: readonly SeedProduct[]) {
  for (const product of products) {
    if (product.limited || product.discontinued) continue;
    const { state } = await ctx.handler.load(
      inventoryAggregate,
      inventoryStream(product.productId),
    );
    if (availability(state).available >= 15) continue;
    ctx.clock.advance(ctx.random.int(60_000, 3_600_000));
    await receiveStock(ctx, product.productId, ctx.random.int(50, 150));
    ctx.stats.restocks += 1;
  }
}

async function changePrice(ctx: SeedContext, products: readonly SeedProduct[]) {
  const product = ctx.random.pick(products);
  if (product.discontinued) return;
  const factor = ctx.random.pick([0.85, 0.9, 1.05, 1.1]);
  const price = money(
    Math.max(99, Math.round((product.price.amount * factor) / 10) * 10 - 1),
    product.price.currency,
  );
  await ctx.handler.handle(
    productAggregate,
    productStream(product.productId),
    { type: 'ChangePrice', price },
    STAFF,
  );
  product.price = price;
  ctx.stats.priceChanges += 1;
}

async function discontinue(ctx: SeedContext, products: readonly SeedProduct[]) {
  const product = ctx.random.pick(products);
  if (product.discontinued || products.length < 5) return;
  await ctx.handler.handle(
    productAggregate,
    productStream(product.productId),
    { type: 'Discontinue' },
    STAFF,
  );
  product.discontinued = true;
  ctx.stats.discontinued += 1;
}

/** True when the fulfilment process has handled every order event in the store (or there is none). */
async function fulfilmentIsCurrent(eventStore: EventStore): Promise<boolean> {
  const [last] = await eventStore.readAll({
    direction: 'backwards',
    limit: 1,
    filter: { streamCategories: ['order'] },
  });
  if (!last) return true;
  const checkpoint = await new EventStoreCheckpoints(eventStore, () => '').load(FULFILMENT);
  return checkpoint !== undefined && comparePositions(checkpoint, last.position) >= 0;
}

async function saveFulfilmentCheckpoint(eventStore: EventStore, newId: () => string) {
  const [last] = await eventStore.readAll({
    direction: 'backwards',
    limit: 1,
    filter: { streamCategories: ['order'] },
  });
  if (last) await new EventStoreCheckpoints(eventStore, newId).save(FULFILMENT, last.position);
}

function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  return Date.UTC(
    date.getUTCFullYear(),
    date.getUTCMonth() + months,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
  );
}

/** The store, counting the events appended through it (for progress). */
function countingAppends(eventStore: EventStore, counted: (events: number) => void): EventStore {
  return {
    appendToStream: async (streamId, events, options) => {
      const result = await eventStore.appendToStream(streamId, events, options);
      counted(events.length);
      return result;
    },
    readStream: (streamId, options) => eventStore.readStream(streamId, options),
    readAll: (options) => eventStore.readAll(options),
    listStreams: (options) => eventStore.listStreams(options),
    streamRevision: (streamId) => eventStore.streamRevision(streamId),
    headPosition: () => eventStore.headPosition(),
    subscribeToAll: (options) => eventStore.subscribeToAll(options),
    close: () => eventStore.close(),
  };
}
