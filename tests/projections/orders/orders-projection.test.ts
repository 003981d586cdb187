import fc from 'fast-check';
import { evolveOrder, orderView, type OrderState } from '../../../src/commands/order.js';
import type { OrderEvent, OrderPlaced } from '../../../src/events/order.js';
import type { OrderDoc } from '../../../src/projections/orders/order-doc.js';
import { ORDERS, ordersProjection } from '../../../src/projections/orders/orders-projection.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import type { Doc } from '../../../src/stores/read-store.js';
import { eventLog, projectEvents } from '../../support/project-events.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const T0 = '2026-03-01T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const placed: OrderPlaced['data'] = {
  orderId: 'o1',
  customerId: 'c1',
  placedAt: T0,
  lines: [
    {
      productId: 'p1',
      sku: 'KB-1',
      name: 'Keyboard',
      quantity: 2,
      unitPrice: eur(1000),
      lineTotal: eur(2000),
    },
    {
      productId: 'p2',
      sku: 'MS-1',
      name: 'Mouse',
      quantity: 1,
      unitPrice: eur(500),
      lineTotal: eur(500),
    },
  ],
  currency: 'EUR',
  totals: { subtotal: eur(2500), discount: eur(250), total: eur(2250) },
  coupon: { code: 'TEN', promotionId: 'promo1' },
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 St James Square',
    city: 'London',
    postalCode: 'SW1Y 4JH',
    country: 'GB',
  },
  payment: { method: 'card', token: 'tok_secret_visa' },
};

const order = (event: OrderEvent, minutes: number, log: ReturnType<typeof eventLog>) =>
  log('order-o1', event.type, event.data, at(minutes));

const fold = (events: readonly RecordedEvent[]) => projectEvents(ordersProjection, events);
const docOf = (docs: Map<string, Doc>, orderId = 'o1') =>
  docs.get(`${ORDERS}/${orderId}`) as OrderDoc | undefined;

/** The order after `events` (each a minute apart, from T0). */
function project(...events: OrderEvent[]): OrderDoc | undefined {
  const log = eventLog();
  return docOf(fold(events.map((event, i) => order(event, i, log))));
}

const place: OrderEvent = { type: 'OrderPlaced', data: placed };
const confirm: OrderEvent = { type: 'OrderConfirmed', data: { orderId: 'o1', confirmedAt: at(1) } };
const ship: OrderEvent = {
  type: 'OrderShipped',
  data: { orderId: 'o1', carrier: 'DHL', trackingNumber: 'TN1', shippedAt: at(2) },
};
const deliver: OrderEvent = { type: 'OrderDelivered', data: { orderId: 'o1', deliveredAt: at(3) } };
const refund = (amount: number, refundedTotal: number, full: boolean): OrderEvent => ({
  type: 'OrderRefunded',
  data: {
    orderId: 'o1',
    refundId: `r${refundedTotal}`,
    amount: eur(amount),
    reason: 'damaged',
    refundedAt: T0,
    refundedTotal: eur(refundedTotal),
    full,
  },
});

describe('orders projection', () => {
  it('OrderPlaced creates a pending order without the card token', () => {
    const doc = project(place);
    expect(doc).toEqual({
      _id: 'o1',
      _position: '1',
      orderId: 'o1',
      customerId: 'c1',
      status: 'pending',
      placedAt: T0,
      updatedAt: at(0),
      lines: placed.lines,
      currency: 'EUR',
      totals: placed.totals,
      coupon: placed.coupon,
      shippingAddress: placed.shippingAddress,
      paymentMethod: 'card',
      partiallyRefunded: false,
      refunded: eur(0),
      timeline: [{ type: 'OrderPlaced', at: at(0), position: '1' }],
    });
    expect(JSON.stringify(doc)).not.toContain('tok_secret_visa');
  });

  it('OrderConfirmed confirms a pending order', () => {
    expect(project(place, confirm)).toMatchObject({
      status: 'confirmed',
      updatedAt: at(1),
      _position: '2',
      timeline: [
        { type: 'OrderPlaced', at: at(0), position: '1' },
        { type: 'OrderConfirmed', at: at(1), position: '2' },
      ],
    });
  });

  it('OrderRejected records the reason', () => {
    const reject: OrderEvent = {
      type: 'OrderRejected',
      data: { orderId: 'o1', reason: 'PAYMENT_DECLINED', rejectedAt: at(1) },
    };
    const doc = project(place, reject);
    expect(doc).toMatchObject({ status: 'rejected', reason: 'PAYMENT_DECLINED', updatedAt: at(1) });
    expect(doc?.timeline[1]).toEqual({
      type: 'OrderRejected',
      at: at(1),
      position: '2',
      reason: 'PAYMENT_DECLINED',
    });
  });

  it('OrderCancelled records who cancelled, why and what is due', () => {
    const cancellation = {
      by: 'customer' as const,
      reason: 'changed my mind',
      cancelledAt: at(2),
      wasConfirmed: true,
      refundDue: eur(2250),
    };
    const cancel: OrderEvent = { type: 'OrderCancelled', data: { orderId: 'o1', ...cancellation } };
    const doc = project(place, confirm, cancel);
    expect(doc).toMatchObject({ status: 'cancelled', cancellation, updatedAt: at(2) });
    expect(doc?.reason).toBeUndefined();
    expect(doc?.timeline[2]).toEqual({
      type: 'OrderCancelled',
      at: at(2),
      position: '3',
      by: 'customer',
      reason: 'changed my mind',
      refundDue: eur(2250),
    });
  });

  it('OrderShipped and OrderDelivered record the shipment and delivery', () => {
    const shipped = project(place, confirm, ship);
    expect(shipped).toMatchObject({
      status: 'shipped',
      shipment: { carrier: 'DHL', trackingNumber: 'TN1', shippedAt: at(2) },
    });
    expect(shipped?.timeline[2]).toEqual({
      type: 'OrderShipped',
      at: at(2),
      position: '3',
      carrier: 'DHL',
      trackingNumber: 'TN1',
    });
    const delivered = project(place, confirm, ship, deliver);
    expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: at(3), updatedAt: at(3) });
    expect(delivered?.timeline.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'OrderConfirmed',
      'OrderShipped',
      'OrderDelivered',
    ]);
  });

  it('OrderRefunded: a partial refund flags the order, a full one marks it refunded', () => {
    const partly = project(place, confirm, ship, deliver, refund(250, 250, false));
    expect(partly).toMatchObject({
      status: 'delivered',
      partiallyRefunded: true,
      refunded: eur(250),
    });
    expect(partly?.timeline[4]).toEqual({
      type: 'OrderRefunded',
      at: at(4),
      position: '5',
      amount: eur(250),
      reason: 'damaged',
      full: false,
    });
    const fully = project(
      place,
      confirm,
      ship,
      deliver,
      refund(250, 250, false),
      refund(2000, 2250, true),
    );
    expect(fully).toMatchObject({
      status: 'refunded',
      partiallyRefunded: false,
      refunded: eur(2250),
      deliveredAt: at(3),
    });
  });

  it('ignores events that do not apply to the order as it is', () => {
    expect(project(confirm)).toBeUndefined();
    const pending = project(place);
    const afterInvalid = project(place, ship, deliver, refund(100, 100, false));
    expect(afterInvalid).toEqual(pending);
  });

  it('keys one document per order, and nothing for other events', () => {
    const log = eventLog();
    expect(ordersProjection.keys(log('order-o1', 'OrderPlaced', placed))).toEqual([
      { collection: ORDERS, id: 'o1' },
    ]);
    const other = log('order-o1', 'SomethingElse', { orderId: 'o1' });
    expect(ordersProjection.keys(other)).toEqual([]);
    expect(ordersProjection.apply(other, new Map()).size).toBe(0);
  });

  it('folding the events twice gives what folding them once gives', () => {
    const log = eventLog();
    const events = [place, confirm, ship, deliver, refund(250, 250, false)].map((e, i) =>
      order(e, i, log),
    );
    expect(fold([...events, ...events])).toEqual(fold(events));
    expect(fold([...events.slice(0, 3), ...events])).toEqual(fold(events));
  });

  it('shows what orderView shows for any sequence of order events', () => {
    const eventArb = fc.oneof(
      fc.constant(place),
      fc.constant(confirm),
      fc.constantFrom('OUT_OF_STOCK', 'PAYMENT_DECLINED').map((reason): OrderEvent => ({
        type: 'OrderRejected',
        data: { orderId: 'o1', reason, rejectedAt: T0 },
      })),
      fc
        .record({ by: fc.constantFrom('customer', 'admin'), wasConfirmed: fc.boolean() })
        .map(({ by, wasConfirmed }): OrderEvent => ({
          type: 'OrderCancelled',
          data: { orderId: 'o1', by, cancelledAt: T0, wasConfirmed, refundDue: eur(0) },
        })),
      fc.constant(ship),
      fc.constant(deliver),
      fc
        .tuple(fc.integer({ min: 1, max: 2250 }), fc.boolean())
        .map(([amount, full]) => refund(amount, full ? 2250 : amount, full)),
    );
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), (events) => {
        const state = events.reduce<OrderState>(evolveOrder, { status: 'absent' });
        const doc = project(...events);
        if (!doc) return expect(orderView(state)).toBeUndefined();
        const { _id, _position, updatedAt, timeline, ...shown } = doc;
        expect(shown).toEqual(orderView(state));
        expect(timeline[timeline.length - 1]?.position).toBe(_position);
        expect(timeline[timeline.length - 1]?.at).toBe(updatedAt);
      }),
    );
  });
});
