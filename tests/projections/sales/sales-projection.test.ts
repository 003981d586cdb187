import type { Money } from '../../../src/events/money.js';
import type { OrderPlaced } from '../../../src/events/order.js';
import {
  SALES,
  SALES_ORDERS,
  SALES_PRODUCTS,
  SALES_TOTALS,
} from '../../../src/projections/sales/sales-doc.js';
import { salesProjection } from '../../../src/projections/sales/sales-projection.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import type { Doc } from '../../../src/stores/read-store.js';
import { eventLog, projectEvents } from '../../support/project-events.js';

const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

type Log = ReturnType<typeof eventLog>;

const product = (log: Log, productId: string, name: string, category: string) =>
  log(`product-${productId}`, 'ProductCreated', {
    productId,
    sku: `SKU-${productId}`,
    name,
    description: '',
    category,
    price: eur(100),
    attributes: {},
  });

const line = (productId: string, name: string, quantity: number, unitPrice: Money) => ({
  productId,
  sku: `SKU-${productId}`,
  name,
  quantity,
  unitPrice,
  lineTotal: { amount: unitPrice.amount * quantity, currency: unitPrice.currency },
});

function placed(
  orderId: string,
  lines: ReturnType<typeof line>[],
  discount = 0,
): OrderPlaced['data'] {
  const currency = lines[0]!.unitPrice.currency;
  const subtotal = lines.reduce((sum, l) => sum + l.lineTotal.amount, 0);
  return {
    orderId,
    customerId: 'c1',
    placedAt: '2026-03-01T10:00:00.000Z',
    lines,
    currency,
    totals: {
      subtotal: { amount: subtotal, currency },
      discount: { amount: discount, currency },
      total: { amount: subtotal - discount, currency },
    },
    shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'GB' },
    payment: { method: 'card', token: 'tok_visa' },
  };
}

const place = (log: Log, data: OrderPlaced['data'], at: string) =>
  log(`order-${data.orderId}`, 'OrderPlaced', data, at);
const confirm = (log: Log, orderId: string, at: string) =>
  log(`order-${orderId}`, 'OrderConfirmed', { orderId, confirmedAt: at }, at);
const reject = (log: Log, orderId: string, at: string) =>
  log(`order-${orderId}`, 'OrderRejected', { orderId, reason: 'OUT_OF_STOCK', rejectedAt: at }, at);
const cancel = (log: Log, orderId: string, at: string, wasConfirmed: boolean, due: Money) =>
  log(
    `order-${orderId}`,
    'OrderCancelled',
    { orderId, by: 'customer', cancelledAt: at, wasConfirmed, refundDue: due },
    at,
  );
const paymentRefund = (log: Log, orderId: string, amount: Money, at: string) =>
  log(
    `payment-${orderId}`,
    'PaymentRefunded',
    { orderId, refundId: `${orderId}:${at}`, amount, gatewayRef: 'g', at },
    at,
  );

const fold = (events: readonly RecordedEvent[]) => projectEvents(salesProjection, events);
/** The documents without `_position`, by `${collection}/${id}`. */
const contents = (docs: Map<string, Doc>) =>
  Object.fromEntries([...docs].map(([key, { _position: _, ...doc }]) => [key, doc] as const));

const MAR1 = '2026-03-01T10:00:00.000Z';

describe('sales projection', () => {
  it('ProductCreated and ProductUpdated keep the current name and category', () => {
    const log = eventLog();
    const docs = fold([
      product(log, 'p1', 'Keyboard', 'input'),
      log('product-p1', 'ProductUpdated', { productId: 'p1', category: 'peripherals' }),
      log('product-p1', 'ProductUpdated', { productId: 'p1', description: 'only this' }),
      log('product-p1', 'PriceChanged', { productId: 'p1', price: eur(1), previous: eur(100) }),
    ]);
    expect(contents(docs)).toEqual({
      [`${SALES_PRODUCTS}/p1`]: { _id: 'p1', name: 'Keyboard', category: 'peripherals' },
    });
    expect(docs.get(`${SALES_PRODUCTS}/p1`)?._position).toBe('2');
  });

  it('OrderPlaced remembers what its confirmation will count, categories from the catalogue', () => {
    const log = eventLog();
    const data = placed(
      'o1',
      [line('p1', 'Keyboard', 2, eur(1000)), line('p9', 'Gone', 1, eur(5))],
      105,
    );
    const docs = fold([product(log, 'p1', 'Keyboard v2', 'input'), place(log, data, MAR1)]);
    expect(contents(docs)[`${SALES_ORDERS}/o1`]).toEqual({
      _id: 'o1',
      status: 'pending',
      currency: 'EUR',
      lines: [
        { productId: 'p1', name: 'Keyboard v2', category: 'input', quantity: 2, gross: 2000 },
        { productId: 'p9', name: 'Gone', category: 'uncategorized', quantity: 1, gross: 5 },
      ],
      discount: 105,
      total: 1900,
    });
    expect(salesProjection.keys(place(eventLog(), data, MAR1))).toEqual([
      { collection: SALES_ORDERS, id: 'o1' },
      { collection: SALES_PRODUCTS, id: 'p1' },
      { collection: SALES_PRODUCTS, id: 'p9' },
    ]);
  });

  it('OrderConfirmed counts the order on the day it was confirmed', () => {
    const log = eventLog();
    const o1 = placed(
      'o1',
      [line('p1', 'Keyboard', 2, eur(1000)), line('p2', 'Mouse', 1, eur(500))],
      250,
    );
    const o2 = placed('o2', [line('p2', 'Mouse', 3, eur(500))]);
    const o3 = placed('o3', [line('p2', 'Mouse', 1, usd(600))]);
    const docs = fold([
      product(log, 'p1', 'Keyboard', 'input'),
      product(log, 'p2', 'Mouse', 'input'),
      place(log, o1, '2026-03-01T23:59:59.000Z'),
      place(log, o2, '2026-03-01T23:59:59.500Z'),
      place(log, o3, '2026-03-02T08:00:00.000Z'),
      confirm(log, 'o1', '2026-03-02T00:00:01.000Z'),
      confirm(log, 'o2', '2026-03-02T00:00:02.000Z'),
      confirm(log, 'o3', '2026-03-02T08:00:01.000Z'),
    ]);
    const all = contents(docs);
    expect(all[`${SALES}/2026-03-01`]).toBeUndefined();
    expect(all[`${SALES}/2026-03-02`]).toEqual({
      _id: '2026-03-02',
      day: '2026-03-02',
      totals: [
        { currency: 'EUR', orders: 2, units: 6, gross: 4000, discounts: 250, refunds: 0 },
        { currency: 'USD', orders: 1, units: 1, gross: 600, discounts: 0, refunds: 0 },
      ],
      products: [
        {
          productId: 'p1',
          currency: 'EUR',
          name: 'Keyboard',
          category: 'input',
          units: 2,
          gross: 2000,
          updatedAt: '2026-03-02T00:00:01.000Z',
        },
        {
          productId: 'p2',
          currency: 'EUR',
          name: 'Mouse',
          category: 'input',
          units: 4,
          gross: 2000,
          updatedAt: '2026-03-02T00:00:02.000Z',
        },
        {
          productId: 'p2',
          currency: 'USD',
          name: 'Mouse',
          category: 'input',
          units: 1,
          gross: 600,
          updatedAt: '2026-03-02T08:00:01.000Z',
        },
      ],
    });
    expect(all[`${SALES_ORDERS}/o1`]).toEqual({
      _id: 'o1',
      status: 'confirmed',
      currency: 'EUR',
      captured: 2250,
      refunded: 0,
    });
    expect(docs.get(`${SALES}/2026-03-02`)?._position).toBe('8');
  });

  it('keeps units under the category the product had when each order was placed', () => {
    const log = eventLog();
    const docs = fold([
      product(log, 'p1', 'Keyboard', 'input'),
      place(log, placed('o1', [line('p1', 'Keyboard', 1, eur(1000))]), MAR1),
      log('product-p1', 'ProductUpdated', { productId: 'p1', name: 'Clavier', category: 'office' }),
      place(log, placed('o2', [line('p1', 'Keyboard', 2, eur(1000))]), MAR1),
      confirm(log, 'o2', '2026-03-01T11:00:00.000Z'),
      confirm(log, 'o1', '2026-03-01T12:00:00.000Z'),
    ]);
    expect(contents(docs)[`${SALES}/2026-03-01`]).toMatchObject({
      products: [
        { productId: 'p1', category: 'input', name: 'Keyboard', units: 1, gross: 1000 },
        { productId: 'p1', category: 'office', name: 'Clavier', units: 2, gross: 2000 },
      ],
    });
  });

  it('OrderRejected and OrderCancelled before confirmation count nothing, not even refunds', () => {
    const log = eventLog();
    const docs = fold([
      place(log, placed('o1', [line('p1', 'Keyboard', 1, eur(1000))]), MAR1),
      place(log, placed('o2', [line('p1', 'Keyboard', 1, eur(1000))]), MAR1),
      reject(log, 'o1', MAR1),
      // Captured, then cancelled before the confirmation could land, then refunded.
      cancel(log, 'o2', MAR1, false, eur(0)),
      paymentRefund(log, 'o1', eur(1000), MAR1),
      paymentRefund(log, 'o2', eur(1000), MAR1),
      confirm(log, 'o1', MAR1),
    ]);
    expect(contents(docs)).toEqual({
      [`${SALES_ORDERS}/o1`]: { _id: 'o1', status: 'closed' },
      [`${SALES_ORDERS}/o2`]: { _id: 'o2', status: 'closed' },
    });
  });

  it('PaymentRefunded counts on the refund day until everything captured is back', () => {
    const log = eventLog();
    const o1 = placed('o1', [line('p1', 'Keyboard', 2, eur(1000))], 200);
    const events = [
      place(log, o1, MAR1),
      confirm(log, 'o1', MAR1),
      paymentRefund(log, 'o1', eur(300), '2026-03-03T12:00:00.000Z'),
    ];
    const partly = contents(fold(events));
    expect(partly[`${SALES}/2026-03-03`]).toEqual({
      _id: '2026-03-03',
      day: '2026-03-03',
      totals: [{ currency: 'EUR', orders: 0, units: 0, gross: 0, discounts: 0, refunds: 300 }],
      products: [],
    });
    expect(partly[`${SALES_ORDERS}/o1`]).toMatchObject({ status: 'confirmed', refunded: 300 });

    // Cancelled after confirmation: the rest comes back with the compensation.
    events.push(
      cancel(log, 'o1', '2026-03-03T13:00:00.000Z', true, eur(1500)),
      paymentRefund(log, 'o1', eur(1500), '2026-03-04T09:00:00.000Z'),
    );
    const all = contents(fold(events));
    expect(all[`${SALES}/2026-03-01`]).toMatchObject({
      totals: [{ currency: 'EUR', orders: 1, units: 2, gross: 2000, discounts: 200, refunds: 0 }],
    });
    expect(all[`${SALES}/2026-03-04`]).toMatchObject({
      totals: [{ currency: 'EUR', orders: 0, units: 0, gross: 0, discounts: 0, refunds: 1500 }],
    });
    expect(all[`${SALES_ORDERS}/o1`]).toEqual({ _id: 'o1', status: 'closed' });
  });

  it("keeps each day's currency buckets alone in a small document too", () => {
    const log = eventLog();
    const o1 = placed('o1', [line('p1', 'Keyboard', 2, eur(1000))], 200);
    const o2 = placed('o2', [
      line('p2', 'Mouse', 1, usd(500)),
      line('p1', 'Keyboard', 1, usd(700)),
    ]);
    const docs = fold([
      place(log, o1, MAR1),
      place(log, o2, MAR1),
      confirm(log, 'o1', MAR1),
      confirm(log, 'o2', MAR1),
      paymentRefund(log, 'o1', eur(300), MAR1),
      paymentRefund(log, 'o2', usd(100), '2026-03-02T08:00:00.000Z'),
    ]);
    for (const day of ['2026-03-01', '2026-03-02']) {
      const { _position, totals } = docs.get(`${SALES}/${day}`) as Doc;
      expect(docs.get(`${SALES_TOTALS}/${day}`)).toEqual({ _id: day, day, totals, _position });
    }
    expect(docs.get(`${SALES_TOTALS}/2026-03-01`)).toMatchObject({
      totals: [
        { currency: 'EUR', orders: 1, units: 2, gross: 2000, discounts: 200, refunds: 300 },
        { currency: 'USD', orders: 1, units: 2, gross: 1200, discounts: 0, refunds: 0 },
      ],
    });
    expect(docs.get(`${SALES}/2026-03-01`)).toMatchObject({
      products: [
        { productId: 'p1', currency: 'EUR', units: 2, gross: 2000 },
        { productId: 'p1', currency: 'USD', units: 1, gross: 700 },
        { productId: 'p2', currency: 'USD', units: 1, gross: 500 },
      ],
    });
  });

  it('closes a confirmed order that captured nothing', () => {
    const log = eventLog();
    const free = placed('o1', [line('p1', 'Sample', 1, eur(500))], 500);
    const docs = contents(fold([place(log, free, MAR1), confirm(log, 'o1', MAR1)]));
    expect(docs[`${SALES_ORDERS}/o1`]).toEqual({ _id: 'o1', status: 'closed' });
    expect(docs[`${SALES}/2026-03-01`]).toMatchObject({
      totals: [{ currency: 'EUR', orders: 1, units: 1, gross: 500, discounts: 500, refunds: 0 }],
    });
  });

  it('refuses a refund in another currency than the order', () => {
    const log = eventLog();
    const events = [
      place(log, placed('o1', [line('p1', 'Keyboard', 1, eur(1000))]), MAR1),
      confirm(log, 'o1', MAR1),
      paymentRefund(log, 'o1', usd(100), MAR1),
    ];
    expect(() => fold(events)).toThrow(/USD/);
  });

  it('keys nothing for events it does not follow', () => {
    const log = eventLog();
    const shipped = log('order-o1', 'OrderShipped', { orderId: 'o1' });
    expect(salesProjection.keys(shipped)).toEqual([]);
    expect(salesProjection.apply(shipped, new Map()).size).toBe(0);
  });

  it('folding the events twice gives what folding them once gives', () => {
    const log = eventLog();
    const events = [
      product(log, 'p1', 'Keyboard', 'input'),
      place(log, placed('o1', [line('p1', 'Keyboard', 2, eur(1000))], 100), MAR1),
      place(log, placed('o2', [line('p1', 'Keyboard', 1, eur(1000))]), MAR1),
      place(log, placed('o3', [line('p1', 'Keyboard', 1, eur(1000))]), MAR1),
      confirm(log, 'o1', MAR1),
      reject(log, 'o2', MAR1),
      confirm(log, 'o3', MAR1),
      paymentRefund(log, 'o1', eur(400), '2026-03-02T10:00:00.000Z'),
      paymentRefund(log, 'o3', eur(1000), '2026-03-02T11:00:00.000Z'),
    ];
    const once = fold(events);
    expect(fold([...events, ...events])).toEqual(once);
    expect(fold([...events.slice(0, 5), ...events.slice(2)])).toEqual(once);
  });
});
