import type { InventoryEvent } from '../../../src/events/inventory.js';
import { catalogProjection } from '../../../src/projections/catalog/catalog-projection.js';
import { inventoryEventTypes } from '../../../src/projections/catalog/recorded-event.js';
import { ordersProjection } from '../../../src/projections/orders/orders-projection.js';
import { docKey, type DocKey, type Projection } from '../../../src/projections/projection.js';
import { salesProjection } from '../../../src/projections/sales/sales-projection.js';
import { SALES, SALES_TOTALS } from '../../../src/projections/sales/sales-doc.js';
import { SEARCH_STOCK } from '../../../src/projections/search/search-doc.js';
import { searchProjection } from '../../../src/projections/search/search-projection.js';
import { matchesFilter, type RecordedEvent } from '../../../src/stores/event-store.js';
import type { Doc, ReadStore, Write } from '../../../src/stores/read-store.js';
import { CommerceSimulation, type LogEvent, type LogShape } from './commerce-log.js';
import { SalesDays } from './sales-days.js';

/** Documents per `readStore.commit`. */
const COMMIT_DOCS = 20_000;
/** Order documents untouched for this many simulated days are written out and dropped from memory. */
const ORDER_IDLE_DAYS = 21;

interface Cached {
  doc: Doc | undefined;
  dirty: boolean;
  touched: number;
}

/**
 * One projection applied in this process, event by event in log order, the
 * way the runner's `applyEvent` does (the projection's own `keys` and
 * `apply`; each document returned stamped with `_id` and the event's
 * `_position`), over a write-back cache of its documents: a document is
 * written to the read store once, when it is evicted or at the end, in
 * commits of 20,000, instead of once per batch of events. Positions only grow
 * here, so the runner's replay guard never applies.
 */
class CachedProjection {
  private readonly docs = new Map<string, Cached>();
  /** Keys written out and dropped: looked up in the store if an event names them again. */
  private readonly evicted = new Set<string>();
  private position = '0';

  constructor(
    readonly projection: Projection,
    private readonly readStore: ReadStore,
  ) {}

  async apply(events: readonly RecordedEvent[], day: number): Promise<void> {
    const { projection } = this;
    for (const event of events) {
      if (!matchesFilter(event, projection.filter)) continue;
      const keys = projection.keys(event);
      if (keys.length === 0) continue;
      const named = new Map(keys.map((key) => [docKey(key), key]));
      const before = new Map<string, Doc | undefined>();
      for (const [k, key] of named) {
        const cached = this.docs.get(k);
        before.set(
          k,
          cached ? cached.doc : this.evicted.has(k) ? await this.load(k, key) : undefined,
        );
      }
      for (const [k, doc] of projection.apply(event, before)) {
        const key = named.get(k);
        if (!key) throw new Error(`${projection.name}: apply returned ${k}, not named by keys`);
        const stamped = doc && { ...doc, _id: key.id, _position: event.position };
        this.docs.set(k, { doc: stamped, dirty: true, touched: day });
      }
      this.position = event.position;
    }
  }

  /** The cached documents (after `apply`), for a last change before they are written. */
  update(change: (doc: Doc) => Doc): void {
    for (const cached of this.docs.values()) {
      if (cached.doc) {
        cached.doc = change(cached.doc);
        cached.dirty = true;
      }
    }
  }

  /** Writes every changed document; forgets those untouched since `idleBefore`. */
  async flush(idleBefore = Infinity): Promise<number> {
    const writes: Write[] = [];
    for (const [key, cached] of this.docs) {
      if (cached.dirty) {
        const slash = key.indexOf('/');
        const collection = key.slice(0, slash);
        writes.push(
          cached.doc
            ? { kind: 'put', collection, doc: cached.doc }
            : { kind: 'delete', collection, id: key.slice(slash + 1) },
        );
        cached.dirty = false;
      }
      if (cached.touched < idleBefore) {
        this.docs.delete(key);
        this.evicted.add(key);
      }
    }
    for (let i = 0; i < writes.length; i += COMMIT_DOCS) {
      await this.readStore.commit(
        this.projection.name,
        this.position,
        writes.slice(i, i + COMMIT_DOCS),
      );
    }
    return writes.length;
  }

  private async load(k: string, key: DocKey): Promise<Doc | undefined> {
    this.evicted.delete(k);
    const doc = await this.readStore.collection(key.collection).get(key.id);
    this.docs.set(k, { doc, dirty: false, touched: -Infinity });
    return doc;
  }
}

export interface BuiltReadModels {
  readonly products: number;
  readonly orders: number;
  readonly events: number;
  readonly days: number;
  /** Documents per collection. */
  readonly documents: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Query parameters: who has orders, which days have sales. */
  readonly customersWithOrders: readonly string[];
  readonly firstDay: string;
  readonly lastDay: string;
}

const INVENTORY_TYPES = new Set(inventoryEventTypes);

/**
 * The event types built: those the four queried read models read, less the
 * inventory events, whose only effect there (once every order has settled,
 * as at the end of the simulation) is the stock counters, which the
 * simulation tracks exactly; they are set from it at the end.
 */
export const BUILT_EVENT_TYPES: ReadonlySet<string> = new Set(
  [catalogProjection, searchProjection, ordersProjection, salesProjection]
    .flatMap((p) => p.filter.eventTypes ?? [])
    .filter((type) => !INVENTORY_TYPES.has(type as InventoryEvent['type'])),
);

const toRecorded = (e: LogEvent, position: number): RecordedEvent => ({
  streamId: e.streamId,
  revision: 0,
  position: String(position),
  eventId: e.metadata.eventId,
  type: e.type,
  data: e.data,
  metadata: e.metadata as unknown as Record<string, unknown>,
  recordedAt: e.metadata.occurredAt,
});

/**
 * Builds the catalog, search, order history and sales read models of a
 * simulated shop without the event store: the simulation's events (only the
 * types those models read) are applied in log order in this process, and the
 * resulting documents go to the read store through `commit` in big batches.
 */
export async function buildReadModels(
  readStore: ReadStore,
  shape: LogShape,
  log: (message: string) => void,
): Promise<BuiltReadModels> {
  const startedAt = performance.now();
  for (const projection of [catalogProjection, searchProjection, ordersProjection, salesProjection])
    for (const c of projection.collections) await readStore.ensureIndexes(c.name, c.indexes);
  const simulation = new CommerceSimulation(shape, BUILT_EVENT_TYPES);
  const catalog = new CachedProjection(catalogProjection, readStore);
  const search = new CachedProjection(searchProjection, readStore);
  const orders = new CachedProjection(ordersProjection, readStore);
  const sales = new SalesDays();
  const customers = new Set<string>();
  let position = 0;
  let day = -1;
  let salesDays: string[] = [];
  const writeSales = async (before: string) => {
    const docs = sales.takeDaysBefore(before);
    salesDays = [...salesDays, ...docs.map((d) => d.day)];
    const writes = docs.flatMap(({ _id, day, totals, _position, ...doc }): Write[] => [
      { kind: 'put', collection: SALES, doc: { _id, day, totals, ...doc, _position } },
      { kind: 'put', collection: SALES_TOTALS, doc: { _id, day, totals, _position } },
    ]);
    if (writes.length > 0) await readStore.commit('sales', String(position), writes);
  };
  for (const batch of simulation.days()) {
    const events = batch.map((e) => toRecorded(e, ++position));
    for (const e of events) {
      if (e.type === 'OrderPlaced') customers.add((e.data as { customerId: string }).customerId);
      sales.apply(e);
    }
    await catalog.apply(events, day);
    await search.apply(events, day);
    await orders.apply(events, day);
    day++;
    if (day > 0 && day % 10 === 0) await orders.flush(day - ORDER_IDLE_DAYS);
    if (day > 0 && day % 30 === 0) {
      log(
        `built ${day} days: ${simulation.orders.toLocaleString('en-US')} orders, ${position.toLocaleString('en-US')} events, ${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
      );
    }
    await writeSales(new Date(simulation.startMs + day * 86_400_000).toISOString().slice(0, 10));
  }
  await writeSales('9999-12-31');
  const stock = new Map(simulation.finalStock().map((s) => [s.productId, s]));
  const counters = (doc: Doc) =>
    stock.get(String(doc.productId)) ?? { onHand: 0, available: 0, unitsSold: 0 };
  catalog.update((doc) => {
    const { onHand, available, unitsSold } = counters(doc);
    return { ...doc, onHand, reserved: 0, available, unitsSold };
  });
  await catalog.flush();
  await search.flush();
  await orders.flush();
  // Search keeps each product's stock in a document of its own.
  const stockDocs = [...stock.values()].map(({ productId, available }): Write => ({
    kind: 'put',
    collection: SEARCH_STOCK,
    doc: { _id: productId, available, _position: String(position) },
  }));
  for (let i = 0; i < stockDocs.length; i += COMMIT_DOCS) {
    await readStore.commit('search', String(position), stockDocs.slice(i, i + COMMIT_DOCS));
  }
  const documents: Record<string, number> = {};
  for (const name of ['catalog', 'search', SEARCH_STOCK, 'orders', 'sales', SALES_TOTALS]) {
    documents[name] = await readStore.collection(name).count();
  }
  return {
    products: shape.products,
    orders: simulation.orders,
    events: position,
    days: day,
    documents,
    seconds: (performance.now() - startedAt) / 1000,
    customersWithOrders: [...customers],
    firstDay: salesDays[0] ?? shape.start,
    lastDay: salesDays[salesDays.length - 1] ?? shape.start,
  };
}
