import { verifyPassword } from '../../src/api/auth/passwords.js';
import { seedOptions } from '../../src/ops/seed/seed-options.js';
import { seedShop, type SeedResult } from '../../src/ops/seed/seed-shop.js';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

const SMALL = {
  seed: 7,
  customers: 25,
  products: 16,
  months: 4,
  orders: 120,
  until: '2026-03-01T00:00:00Z',
};

async function seeded(options: Partial<typeof SMALL> = {}) {
  const temp = await openTempStore();
  const result = await seedShop(
    { eventStore: temp.store, snapshots: temp.store, saveCheckpoint: true },
    seedOptions({ ...SMALL, ...options }),
  );
  const events = await temp.store.readAll({ limit: 100_000 });
  return { temp, result, events };
}

const comparable = (events: readonly RecordedEvent[]) =>
  events.map(({ streamId, revision, eventId, type, data, metadata }) => ({
    streamId,
    revision,
    eventId,
    type,
    data,
    metadata,
  }));

const ofType = (events: readonly RecordedEvent[], type: string) =>
  events.filter((e) => e.type === type);

describe('the demo-shop seed', () => {
  let first: { temp: TempStore; result: SeedResult; events: RecordedEvent[] };

  beforeAll(async () => {
    first = await seeded();
  });

  afterAll(async () => {
    await first.temp.cleanup();
  });

  it('writes the same log for the same seed and options', async () => {
    const again = await seeded();
    try {
      expect(comparable(again.events)).toEqual(comparable(first.events));
      expect(again.result).toEqual(first.result);
    } finally {
      await again.temp.cleanup();
    }
  });

  it('writes another shop for another seed', async () => {
    const other = await seeded({ seed: 8, orders: 10, months: 1 });
    try {
      const prices = (events: RecordedEvent[]) =>
        ofType(events, 'ProductCreated').map((e) => (e.data as { price: unknown }).price);
      expect(comparable(other.events).slice(0, 5)).not.toEqual(
        comparable(first.events).slice(0, 5),
      );
      expect(prices(other.events)).not.toEqual(prices(first.events));
    } finally {
      await other.temp.cleanup();
    }
  });

  it('builds a catalog with Chinese and accented names, stock and coupons', () => {
    const products = ofType(first.events, 'ProductCreated').map(
      (e) => e.data as { name: string; sku: string; price: { amount: number } },
    );
    expect(products).toHaveLength(SMALL.products);
    expect(products.some((p) => /[\u4e00-\u9fff]/.test(p.name))).toBe(true);
    expect(products.some((p) => /[éèêçüöä]/.test(p.name))).toBe(true);
    expect(new Set(products.map((p) => p.sku)).size).toBe(SMALL.products);
    expect(ofType(first.events, 'StockReceived').length).toBeGreaterThanOrEqual(SMALL.products);
    expect(ofType(first.events, 'PromotionCreated')).toHaveLength(4);
    expect(ofType(first.events, 'CustomerRegistered')).toHaveLength(SMALL.customers);
  });

  it('places orders over the months on the simulated clock, each decided by fulfilment', () => {
    const placed = ofType(first.events, 'OrderPlaced');
    expect(placed).toHaveLength(SMALL.orders);
    const months = new Set(
      placed.map((e) => (e.data as { placedAt: string }).placedAt.slice(0, 7)),
    );
    expect([...months].sort()).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    const decided =
      ofType(first.events, 'OrderConfirmed').length + ofType(first.events, 'OrderRejected').length;
    expect(decided).toBe(SMALL.orders);
    const confirmation = ofType(first.events, 'OrderConfirmed')[0];
    expect(confirmation?.metadata.actor).toBe('system:order-fulfilment');
    expect(ofType(first.events, 'PaymentCaptured').length).toBeGreaterThan(0);
    expect(ofType(first.events, 'ReservationCommitted').length).toBeGreaterThan(0);
    // Time only moves forward (checkpoints and idempotency records carry no time).
    const times = first.events
      .filter(
        (e) => !e.streamId.startsWith('checkpoint-') && !e.streamId.startsWith('idempotency-'),
      )
      .map((e) => String(e.metadata.occurredAt));
    expect(times).toEqual([...times].sort());
    expect(times[times.length - 1]! < SMALL.until.replace('Z', '.000Z')).toBe(true);
  });

  it('has rejections, cancellations, shipments, deliveries, refunds, coupon use and reviews', () => {
    const { result, events } = first;
    expect(ofType(events, 'OrderRejected').length).toBeGreaterThan(0);
    expect(ofType(events, 'OrderCancelled').length).toBeGreaterThan(0);
    expect(ofType(events, 'OrderShipped').length).toBeGreaterThan(0);
    expect(ofType(events, 'OrderDelivered').length).toBeGreaterThan(0);
    expect(ofType(events, 'OrderRefunded').length).toBeGreaterThan(0);
    expect(ofType(events, 'PaymentRefunded').length).toBeGreaterThan(0);
    expect(ofType(events, 'CouponRedeemed').length).toBeGreaterThan(0);
    expect(ofType(events, 'ReviewSubmitted').length).toBeGreaterThan(0);
    expect(ofType(events, 'ProductsDelivered').length).toBe(result.delivered);
    expect(result.reviews).toBe(ofType(events, 'ReviewSubmitted').length);
    expect(result.events).toBe(events.length - 1);
  });

  it('lets the demo customers sign in with the demo password', async () => {
    const hash = ofType(first.events, 'PasswordSet')[0]?.data as { passwordHash: string };
    await expect(verifyPassword(first.result.demoPassword, hash.passwordHash)).resolves.toBe(true);
  });

  it('moves the fulfilment checkpoint past the seeded orders', () => {
    const last = first.events[first.events.length - 1];
    const lastOrder =
      ofType(first.events, 'OrderPlaced').length > 0
        ? [...first.events].reverse().find((e) => e.streamId.startsWith('order-'))
        : undefined;
    expect(last?.streamId).toBe('checkpoint-order-fulfilment');
    expect(last?.data).toEqual({ position: lastOrder?.position });
  });

  it('refuses a store that already has a catalog', async () => {
    await expect(
      seedShop({ eventStore: first.temp.store }, seedOptions({ ...SMALL, orders: 1 })),
    ).rejects.toMatchObject({ code: 'STORE_HAS_CATALOG' });
  });

  it('refuses options out of range', () => {
    expect(() => seedOptions({ orders: 0 })).toThrow(/orders/);
  });
});
