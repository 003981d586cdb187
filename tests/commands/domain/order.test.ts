import {
  orderAggregate as order,
  orderView,
  type OrderCommand,
} from '../../../src/commands/order.js';
import type { OrderEvent, OrderPlaced } from '../../../src/events/order.js';
import { orderStream } from '../../../src/events/order.js';
import { given } from '../../support/given-when-then.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const shippingAddress = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
const payment = { method: 'card', token: 'tok_visa' } as const;
const keyboard = { productId: 'p1', name: 'Keyboard', sku: 'KB-1', unitPrice: eur(1000) };
const mouse = { productId: 'p2', name: 'Mouse', sku: 'MS-1', unitPrice: eur(500) };

const place: Extract<OrderCommand, { type: 'PlaceOrder' }> = {
  type: 'PlaceOrder',
  orderId: 'o1',
  customerId: 'c1',
  placedAt: '2026-03-01T10:00:00.000Z',
  lines: [
    { ...keyboard, quantity: 1 },
    { ...mouse, quantity: 1 },
    { ...keyboard, quantity: 1 },
  ],
  shippingAddress,
  payment,
};
const placed: OrderPlaced = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o1',
    customerId: 'c1',
    placedAt: '2026-03-01T10:00:00.000Z',
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
    totals: { subtotal: eur(2500), discount: eur(0), total: eur(2500) },
    shippingAddress,
    payment,
  },
};

const confirm: OrderCommand = { type: 'ConfirmOrder', confirmedAt: '2026-03-01T10:00:05.000Z' };
const confirmed: OrderEvent = {
  type: 'OrderConfirmed',
  data: { orderId: 'o1', confirmedAt: '2026-03-01T10:00:05.000Z' },
};
const reject: OrderCommand = {
  type: 'RejectOrder',
  reason: 'OUT_OF_STOCK',
  rejectedAt: '2026-03-01T10:00:05.000Z',
};
const rejected: OrderEvent = {
  type: 'OrderRejected',
  data: { orderId: 'o1', reason: 'OUT_OF_STOCK', rejectedAt: '2026-03-01T10:00:05.000Z' },
};
const cancelAs = (by: 'customer' | 'admin'): OrderCommand => ({
  type: 'CancelOrder',
  by,
  reason: 'changed my mind',
  cancelledAt: '2026-03-02T09:00:00.000Z',
});
const cancelledWhilePending: OrderEvent = {
  type: 'OrderCancelled',
  data: {
    orderId: 'o1',
    by: 'customer',
    reason: 'changed my mind',
    cancelledAt: '2026-03-02T09:00:00.000Z',
    wasConfirmed: false,
    refundDue: eur(0),
  },
};
const cancelledByAdmin = (refundDue: number): OrderEvent => ({
  type: 'OrderCancelled',
  data: {
    ...cancelledWhilePending.data,
    by: 'admin',
    wasConfirmed: true,
    refundDue: eur(refundDue),
  },
});
const ship: OrderCommand = {
  type: 'ShipOrder',
  carrier: 'DHL',
  trackingNumber: 'TRK-1',
  shippedAt: '2026-03-03T08:00:00.000Z',
};
const shipped: OrderEvent = {
  type: 'OrderShipped',
  data: {
    orderId: 'o1',
    carrier: 'DHL',
    trackingNumber: 'TRK-1',
    shippedAt: '2026-03-03T08:00:00.000Z',
  },
};
const deliver: OrderCommand = { type: 'DeliverOrder', deliveredAt: '2026-03-04T15:00:00.000Z' };
const delivered: OrderEvent = {
  type: 'OrderDelivered',
  data: { orderId: 'o1', deliveredAt: '2026-03-04T15:00:00.000Z' },
};
const refund = (refundId: string, amount: number): OrderCommand => ({
  type: 'RefundOrder',
  refundId,
  amount,
  reason: 'damaged',
  refundedAt: '2026-03-05T12:00:00.000Z',
});
const refunded = (refundId: string, amount: number, refundedTotal: number): OrderEvent => ({
  type: 'OrderRefunded',
  data: {
    orderId: 'o1',
    refundId,
    amount: eur(amount),
    reason: 'damaged',
    refundedAt: '2026-03-05T12:00:00.000Z',
    refundedTotal: eur(refundedTotal),
    full: refundedTotal === 2500,
  },
});

describe('order decider', () => {
  it('names its streams order-<orderId>', () => {
    expect(order.category).toBe('order');
    expect(orderStream('o1')).toBe('order-o1');
  });

  describe('PlaceOrder', () => {
    it('places an order with merged lines, line totals and totals computed once', () =>
      given(order).when(place).then(placed));
    it('records the coupon code and promotion, and the discounted totals', () =>
      given(order)
        .when({
          ...place,
          coupon: {
            code: 'SPRING10',
            promotionId: 'promo-1',
            kind: 'percent',
            value: 10,
            minSubtotal: eur(2000),
          },
        })
        .then({
          type: 'OrderPlaced',
          data: {
            ...placed.data,
            totals: { subtotal: eur(2500), discount: eur(250), total: eur(2250) },
            coupon: { code: 'SPRING10', promotionId: 'promo-1' },
          },
        }));
    it('caps a fixed coupon at the subtotal', () =>
      given(order)
        .when({
          ...place,
          coupon: { code: 'BIG', promotionId: 'promo-2', kind: 'fixed', value: 9000 },
        })
        .then({
          type: 'OrderPlaced',
          data: {
            ...placed.data,
            totals: { subtotal: eur(2500), discount: eur(2500), total: eur(0) },
            coupon: { code: 'BIG', promotionId: 'promo-2' },
          },
        }));
    it('rejects placing it twice', () =>
      given(order, placed).when(place).thenRejects('ORDER_EXISTS'));
    it('rejects an order without lines', () =>
      given(order)
        .when({ ...place, lines: [] })
        .thenRejects('EMPTY_ORDER'));
    it.each([0, -2, 1.5])('rejects the quantity %p', (quantity) =>
      given(order)
        .when({ ...place, lines: [{ ...keyboard, quantity }] })
        .thenRejects('INVALID_QUANTITY'),
    );
    it('rejects mixed currencies', () =>
      given(order)
        .when({
          ...place,
          lines: [
            { ...keyboard, quantity: 1 },
            { ...mouse, unitPrice: { amount: 500, currency: 'USD' }, quantity: 1 },
          ],
        })
        .thenRejects('MIXED_CURRENCIES'));
    it('rejects a coupon whose minimum subtotal is not reached', () =>
      given(order)
        .when({
          ...place,
          coupon: {
            code: 'SPRING10',
            promotionId: 'promo-1',
            kind: 'percent',
            value: 10,
            minSubtotal: eur(2501),
          },
        })
        .thenRejects('INVALID_COUPON'));
  });

  describe('ConfirmOrder', () => {
    it('confirms a pending order', () => given(order, placed).when(confirm).then(confirmed));
    it('changes nothing when it is confirmed again', () =>
      given(order, placed, confirmed).when(confirm).thenNothing());
    it('rejects confirming a rejected order', () =>
      given(order, placed, rejected).when(confirm).thenRejects('INVALID_TRANSITION'));
    it('rejects confirming an unknown order', () =>
      given(order).when(confirm).thenRejects('NOT_FOUND'));
  });

  describe('RejectOrder', () => {
    it('rejects a pending order with its reason', () =>
      given(order, placed).when(reject).then(rejected));
    it('changes nothing when it is rejected again, whatever the reason', () =>
      given(order, placed, rejected)
        .when({ ...reject, reason: 'PAYMENT_TIMEOUT' })
        .thenNothing());
    it('rejects rejecting a confirmed order', () =>
      given(order, placed, confirmed).when(reject).thenRejects('INVALID_TRANSITION'));
  });

  describe('CancelOrder', () => {
    it('cancels a pending order with nothing to refund', () =>
      given(order, placed).when(cancelAs('customer')).then(cancelledWhilePending));
    it('leaves the reason out when none is given', () =>
      given(order, placed)
        .when({ type: 'CancelOrder', by: 'admin', cancelledAt: '2026-03-02T09:00:00.000Z' })
        .then({
          type: 'OrderCancelled',
          data: {
            orderId: 'o1',
            by: 'admin',
            cancelledAt: '2026-03-02T09:00:00.000Z',
            wasConfirmed: false,
            refundDue: eur(0),
          },
        }));
    it('lets the customer cancel a confirmed order, refunding everything captured', () =>
      given(order, placed, confirmed)
        .when(cancelAs('customer'))
        .then({
          type: 'OrderCancelled',
          data: { ...cancelledWhilePending.data, wasConfirmed: true, refundDue: eur(2500) },
        }));
    it('refunds only what was not refunded yet', () =>
      given(order, placed, confirmed, refunded('r1', 300, 300), refunded('r2', 200, 500))
        .when(cancelAs('admin'))
        .then(cancelledByAdmin(2000)));
    it('lets an admin cancel a shipped order', () =>
      given(order, placed, confirmed, shipped, refunded('r1', 100, 100))
        .when(cancelAs('admin'))
        .then(cancelledByAdmin(2400)));
    it('rejects a customer cancelling after shipment', () =>
      given(order, placed, confirmed, shipped)
        .when(cancelAs('customer'))
        .thenRejects('INVALID_TRANSITION'));
    it('rejects anyone cancelling a delivered order', () => {
      given(order, placed, confirmed, shipped, delivered)
        .when(cancelAs('admin'))
        .thenRejects('INVALID_TRANSITION');
      given(order, placed, confirmed, shipped, delivered)
        .when(cancelAs('customer'))
        .thenRejects('INVALID_TRANSITION');
    });
  });

  describe('ShipOrder', () => {
    it('ships a confirmed order', () => given(order, placed, confirmed).when(ship).then(shipped));
    it('rejects shipping a pending order', () =>
      given(order, placed).when(ship).thenRejects('INVALID_TRANSITION'));
    it('rejects shipping twice', () =>
      given(order, placed, confirmed, shipped).when(ship).thenRejects('INVALID_TRANSITION'));
  });

  describe('DeliverOrder', () => {
    it('delivers a shipped order', () =>
      given(order, placed, confirmed, shipped).when(deliver).then(delivered));
    it('rejects delivering an order that was not shipped', () =>
      given(order, placed, confirmed).when(deliver).thenRejects('INVALID_TRANSITION'));
  });

  describe('RefundOrder', () => {
    it('refunds part of a confirmed order', () =>
      given(order, placed, confirmed)
        .when(refund('r1', 1000))
        .then(refunded('r1', 1000, 1000)));
    it('refunds the rest of a partially refunded order in full', () =>
      given(order, placed, confirmed, refunded('r1', 1000, 1000))
        .when(refund('r2', 1500))
        .then(refunded('r2', 1500, 2500)));
    it('refunds shipped and delivered orders', () => {
      given(order, placed, confirmed, shipped)
        .when(refund('r1', 2500))
        .then(refunded('r1', 2500, 2500));
      given(order, placed, confirmed, shipped, delivered)
        .when(refund('r1', 1))
        .then(refunded('r1', 1, 1));
    });
    it('changes nothing for a refund id it has seen, even once fully refunded', () => {
      given(order, placed, confirmed, refunded('r1', 1000, 1000))
        .when(refund('r1', 1000))
        .thenNothing();
      given(order, placed, confirmed, refunded('r1', 2500, 2500))
        .when(refund('r1', 2500))
        .thenNothing();
    });
    it('never refunds more than was captured across partial refunds', () => {
      const history = [placed, confirmed, refunded('r1', 1000, 1000), refunded('r2', 1000, 2000)];
      given(order, ...history)
        .when(refund('r3', 501))
        .thenRejects('REFUND_EXCEEDS_CAPTURED');
      given(order, ...history)
        .when(refund('r3', 500))
        .then(refunded('r3', 500, 2500));
      given(order, placed, confirmed)
        .when(refund('r1', 2501))
        .thenRejects('REFUND_EXCEEDS_CAPTURED');
    });
    it('rejects any new refund once everything was refunded', () =>
      given(order, placed, confirmed, refunded('r1', 2500, 2500))
        .when(refund('r2', 1))
        .thenRejects('REFUND_EXCEEDS_CAPTURED'));
    it.each([0, -100, 10.5, Number.NaN])('rejects the amount %p', (amount) =>
      given(order, placed, confirmed).when(refund('r1', amount)).thenRejects('INVALID_AMOUNT'),
    );
    it('rejects refunding when nothing was captured', () => {
      given(order, placed).when(refund('r1', 100)).thenRejects('INVALID_TRANSITION');
      given(order, placed, rejected).when(refund('r1', 100)).thenRejects('INVALID_TRANSITION');
      given(order, placed, confirmed, cancelledByAdmin(2500))
        .when(refund('r1', 100))
        .thenRejects('INVALID_TRANSITION');
    });
  });

  describe('every status against every command', () => {
    const histories: Record<string, OrderEvent[]> = {
      absent: [],
      pending: [placed],
      confirmed: [placed, confirmed],
      'confirmed, partially refunded': [placed, confirmed, refunded('r0', 100, 100)],
      rejected: [placed, rejected],
      cancelled: [placed, cancelledWhilePending],
      shipped: [placed, confirmed, shipped],
      delivered: [placed, confirmed, shipped, delivered],
      refunded: [placed, confirmed, refunded('r0', 2500, 2500)],
    };
    const commands: Record<string, OrderCommand> = {
      place,
      confirm,
      reject,
      'cancel as customer': cancelAs('customer'),
      'cancel as admin': cancelAs('admin'),
      ship,
      deliver,
      refund: refund('r9', 100),
    };
    const [IT, EXISTS, NF, NOOP] = ['INVALID_TRANSITION', 'ORDER_EXISTS', 'NOT_FOUND', 'nothing'];
    const EXCEEDS = 'REFUND_EXCEEDS_CAPTURED';
    const PLACED = 'OrderPlaced>pending';
    const CONFIRMED = 'OrderConfirmed>confirmed';
    const REJECTED = 'OrderRejected>rejected';
    const CANCELLED = 'OrderCancelled>cancelled';
    const SHIPPED = 'OrderShipped>shipped';
    const DELIVERED = 'OrderDelivered>delivered';
    const refundKeeps = (status: string) => `OrderRefunded>${status}`;
    // An accepted command shows as `<events>><status after them>`.
    // prettier-ignore
    const expected: Record<string, string[]> = {
      //                                 place    confirm     reject     cancel (c)  cancel (a)  ship      deliver     refund
      absent:                           [PLACED,  NF,         NF,        NF,         NF,         NF,       NF,         NF],
      pending:                          [EXISTS,  CONFIRMED,  REJECTED,  CANCELLED,  CANCELLED,  IT,       IT,         IT],
      confirmed:                        [EXISTS,  NOOP,       IT,        CANCELLED,  CANCELLED,  SHIPPED,  IT,         refundKeeps('confirmed')],
      'confirmed, partially refunded':  [EXISTS,  NOOP,       IT,        CANCELLED,  CANCELLED,  SHIPPED,  IT,         refundKeeps('confirmed')],
      rejected:                         [EXISTS,  IT,         NOOP,      IT,         IT,         IT,       IT,         IT],
      cancelled:                        [EXISTS,  IT,         IT,        IT,         IT,         IT,       IT,         IT],
      shipped:                          [EXISTS,  IT,         IT,        IT,         CANCELLED,  IT,       DELIVERED,  refundKeeps('shipped')],
      delivered:                        [EXISTS,  IT,         IT,        IT,         IT,         IT,       IT,         refundKeeps('delivered')],
      refunded:                         [EXISTS,  IT,         IT,        IT,         IT,         IT,       IT,         EXCEEDS],
    };

    const outcome = (history: OrderEvent[], command: OrderCommand): string => {
      const { state } = given(order, ...history);
      try {
        const events = order.decider.decide(command, state);
        if (events.length === 0) return 'nothing';
        const next = events.reduce(order.decider.evolve, state);
        return `${events.map((e) => e.type).join(',')}>${next.status}`;
      } catch (error) {
        return (error as { code: string }).code;
      }
    };

    const cases = Object.entries(histories).flatMap(([status, history]) =>
      Object.entries(commands).map(
        ([name, command], index) =>
          [status, name, history, command, expected[status]?.[index]] as const,
      ),
    );
    it.each(cases)('%s + %s', (_status, _name, history, command, result) =>
      expect(outcome(history, command)).toBe(result),
    );
  });

  describe('evolve', () => {
    it('folds a placed order into a pending state', () =>
      expect(given(order, placed).state).toEqual({ status: 'pending', ...placed.data }));
    it('carries refunds and the partial flag through later statuses', () => {
      const { state } = given(order, placed, confirmed, refunded('r1', 400, 400), shipped);
      expect(state).toMatchObject({
        status: 'shipped',
        refunded: eur(400),
        partiallyRefunded: true,
        refundIds: ['r1'],
        shipment: { carrier: 'DHL', trackingNumber: 'TRK-1' },
      });
    });
    it('marks a full refund as refunded, no longer partial', () =>
      expect(
        given(order, placed, confirmed, refunded('r1', 400, 400), refunded('r2', 2100, 2500)).state,
      ).toMatchObject({ status: 'refunded', refunded: eur(2500), partiallyRefunded: false }));
    it('keeps the cancellation, with what was refunded before it', () =>
      expect(
        given(order, placed, confirmed, refunded('r1', 400, 400), cancelledByAdmin(2100)).state,
      ).toMatchObject({
        status: 'cancelled',
        by: 'admin',
        wasConfirmed: true,
        refundDue: eur(2100),
        refunded: eur(400),
        partiallyRefunded: true,
      }));
    it('ignores events that do not fit the current status', () => {
      const { state } = given(order, placed, confirmed, confirmed, rejected, delivered);
      expect(state.status).toBe('confirmed');
    });
    it('survives a JSON round trip', () => {
      const { state } = given(order, placed, confirmed, refunded('r1', 1, 1), shipped, delivered);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });
  });

  describe('orderView', () => {
    it('shows nothing for an unknown order', () =>
      expect(orderView(given(order).state)).toBeUndefined());
    it('shows a pending order without its card token', () => {
      const view = orderView(given(order, placed).state);
      expect(view).toEqual({
        orderId: 'o1',
        customerId: 'c1',
        status: 'pending',
        placedAt: placed.data.placedAt,
        lines: placed.data.lines,
        currency: 'EUR',
        totals: placed.data.totals,
        shippingAddress,
        paymentMethod: 'card',
        partiallyRefunded: false,
        refunded: eur(0),
      });
      expect(JSON.stringify(view)).not.toContain('tok_visa');
    });
    it('shows the reason of a rejected order', () =>
      expect(orderView(given(order, placed, rejected).state)).toMatchObject({
        status: 'rejected',
        reason: 'OUT_OF_STOCK',
        refunded: eur(0),
      }));
    it('shows a partially refunded delivered order', () =>
      expect(
        orderView(
          given(order, placed, confirmed, shipped, delivered, refunded('r1', 700, 700)).state,
        ),
      ).toMatchObject({
        status: 'delivered',
        partiallyRefunded: true,
        refunded: eur(700),
        shipment: {
          carrier: 'DHL',
          trackingNumber: 'TRK-1',
          shippedAt: '2026-03-03T08:00:00.000Z',
        },
        deliveredAt: '2026-03-04T15:00:00.000Z',
      }));
    it('shows a fully refunded order', () =>
      expect(
        orderView(given(order, placed, confirmed, refunded('r1', 2500, 2500)).state),
      ).toMatchObject({ status: 'refunded', partiallyRefunded: false, refunded: eur(2500) }));
    it('shows the cancellation and the refund it makes due', () => {
      const view = orderView(given(order, placed, confirmed, cancelledByAdmin(2500)).state);
      expect(view).toMatchObject({
        status: 'cancelled',
        cancellation: {
          by: 'admin',
          reason: 'changed my mind',
          wasConfirmed: true,
          refundDue: eur(2500),
        },
      });
      expect(view).not.toHaveProperty('reason');
    });
  });
});
