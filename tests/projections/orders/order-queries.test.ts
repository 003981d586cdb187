import type { OrderPlaced } from '../../../src/events/order.js';
import type { OrderRecord } from '../../../src/projections/orders/order-doc.js';
import { orderQueries } from '../../../src/projections/orders/order-queries.js';
import { ORDERS, ordersProjection } from '../../../src/projections/orders/orders-projection.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import type { ReadStore } from '../../../src/stores/read-store.js';
import { MemoryReadStore } from '../../support/memory-read-store.js';
import { eventLog, projectEvents } from '../../support/project-events.js';

/** A store holding what the runner would have written for `events`. */
async function storeWith(events: readonly RecordedEvent[]): Promise<ReadStore> {
  const store = new MemoryReadStore();
  for (const { name, indexes } of ordersProjection.collections) {
    await store.ensureIndexes(name, indexes);
  }
  const docs = projectEvents(ordersProjection, events);
  await store.commit(
    ordersProjection.name,
    events[events.length - 1]?.position,
    [...docs.values()].map((doc) => ({ kind: 'put', collection: ORDERS, doc })),
  );
  return store;
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });

function placed(orderId: string, customerId: string, placedAt: string): OrderPlaced['data'] {
  return {
    orderId,
    customerId,
    placedAt,
    lines: [
      {
        productId: 'p1',
        sku: 'S',
        name: 'Thing',
        quantity: 1,
        unitPrice: eur(100),
        lineTotal: eur(100),
      },
    ],
    currency: 'EUR',
    totals: { subtotal: eur(100), discount: eur(0), total: eur(100) },
    shippingAddress: { name: 'N', line1: 'L', city: 'C', postalCode: 'P', country: 'FR' },
    payment: { method: 'card', token: 'tok_visa' },
  };
}

/** 45 orders of c1 (several placed at the same instant) and 10 of c2. */
function history(): RecordedEvent[] {
  const log = eventLog();
  const events: RecordedEvent[] = [];
  for (let i = 0; i < 55; i++) {
    const customerId = i % 11 < 2 ? 'c2' : 'c1';
    const minute = Math.floor(i / 3);
    const placedAt = new Date(Date.UTC(2026, 2, 1, 9, minute)).toISOString();
    const orderId = `o${String((i * 37) % 55).padStart(2, '0')}`;
    events.push(
      log(`order-${orderId}`, 'OrderPlaced', placed(orderId, customerId, placedAt), placedAt),
    );
    if (i % 4 === 0) {
      events.push(
        log(`order-${orderId}`, 'OrderConfirmed', { orderId, confirmedAt: placedAt }, placedAt),
      );
    }
  }
  return events;
}

const newestFirst = (a: OrderRecord, b: OrderRecord) =>
  a.placedAt === b.placedAt ? (a._id < b._id ? 1 : -1) : a.placedAt < b.placedAt ? 1 : -1;

describe('order queries', () => {
  let store: ReadStore;
  beforeAll(async () => {
    store = await storeWith(history());
  });

  it('pages through a customer’s orders, newest first, with a keyset cursor', async () => {
    const queries = orderQueries(store);
    const pages: OrderRecord[][] = [];
    let cursor: string | undefined;
    do {
      const page = await queries.historyOf('c1', { limit: 20, ...(cursor ? { cursor } : {}) });
      pages.push([...page.items]);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    // The pages end inside groups of orders placed at the same instant.
    expect(pages[0]![19]!.placedAt).toBe(pages[1]![0]!.placedAt);
    expect(pages[1]![19]!.placedAt).toBe(pages[2]![0]!.placedAt);
    const all = pages.flat();
    expect(all.every((o) => o.customerId === 'c1')).toBe(true);
    expect(new Set(all.map((o) => o._id)).size).toBe(45);
    expect(all).toEqual([...all].sort(newestFirst));
    expect(all.some((o) => '_position' in o)).toBe(false);
    expect(all.filter((o) => o.status === 'confirmed').length).toBeGreaterThan(5);
  });

  it('answers a null cursor on a last page that is exactly full, and on an empty history', async () => {
    const queries = orderQueries(store);
    const first = await queries.historyOf('c2', { limit: 5 });
    expect(first.items).toHaveLength(5);
    const second = await queries.historyOf('c2', { limit: 5, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    expect(await queries.historyOf('nobody')).toEqual({ items: [], nextCursor: null });
    expect((await queries.historyOf('c1')).items).toHaveLength(20);
  });

  it('refuses a limit outside 1..100 and a cursor it did not give', async () => {
    const queries = orderQueries(store);
    for (const limit of [0, 101, 2.5]) {
      await expect(queries.historyOf('c1', { limit })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { errors: [{ path: 'limit' }] },
      });
    }
    for (const cursor of ['', 'not-a-cursor', Buffer.from('[1,2]').toString('base64url')]) {
      await expect(queries.historyOf('c1', { cursor })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { errors: [{ path: 'cursor' }] },
      });
    }
  });

  it('gets one order by id, without its position', async () => {
    const queries = orderQueries(store);
    const order = await queries.get('o00');
    expect(order).toMatchObject({ orderId: 'o00', status: 'confirmed', paymentMethod: 'card' });
    expect(order).not.toHaveProperty('_position');
    expect(order?.timeline.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderConfirmed']);
    expect(await queries.get('o99')).toBeUndefined();
  });
});
