import type { Money } from '../../../src/events/money.js';
import type { OrderLine, OrderPlaced, RejectionReason } from '../../../src/events/order.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import { eventLog } from '../../support/project-events.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same shop. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}

interface Planned {
  readonly at: number;
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

export const HISTORY_START = Date.parse('2026-02-25T00:00:00.000Z');
export const HISTORY_DAYS = 10;

const CATEGORIES = ['audio', 'books', 'garden', 'toys'];

interface Product {
  readonly productId: string;
  readonly name: string;
  readonly currency: string;
  readonly price: number;
}

/**
 * A shop's log: products, then `orderCount` orders over ten days in EUR and
 * USD, each confirmed (and maybe shipped, delivered, refunded in part or in
 * full, or cancelled and refunded), rejected (sometimes after its payment
 * was captured and refunded), cancelled while pending, or left pending.
 * Events are in time order; each order's events are strictly increasing in time.
 */
export function shopHistory(seed: number, orderCount: number): RecordedEvent[] {
  const rnd = seededRandom(seed);
  const planned: Planned[] = [];
  const plan = (at: number, streamId: string, type: string, data: unknown) =>
    planned.push({ at, streamId, type, data });

  const products: Product[] = Array.from({ length: 16 }, (_, i) => ({
    productId: `p${String(i + 1).padStart(2, '0')}`,
    name: `Product ${i + 1}`,
    currency: i % 2 ? 'USD' : 'EUR',
    price: rnd.int(1, 200) * 50 + rnd.int(0, 99),
  }));
  for (const { productId, name, currency, price } of products) {
    plan(HISTORY_START - HOUR, `product-${productId}`, 'ProductCreated', {
      productId,
      sku: `SKU-${productId}`,
      name,
      description: '',
      category: CATEGORIES[Number(productId.slice(1)) % CATEGORIES.length],
      price: { amount: price, currency },
      attributes: {},
    });
  }
  // Mid-history catalogue changes: a new category for p03, a new name for p04.
  plan(HISTORY_START + 4 * DAY, 'product-p03', 'ProductUpdated', {
    productId: 'p03',
    category: 'garden',
  });
  plan(HISTORY_START + 5 * DAY, 'product-p04', 'ProductUpdated', {
    productId: 'p04',
    name: 'Product 4 (new)',
  });

  for (let n = 0; n < orderCount; n++) {
    const orderId = `o${String(n).padStart(4, '0')}`;
    const order = `order-${orderId}`;
    const payment = `payment-${orderId}`;
    const currency = rnd.chance(0.6) ? 'EUR' : 'USD';
    const offered = products.filter((p) => p.currency === currency);
    const chosen = new Set(Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(offered)));
    const lines: OrderLine[] = [...chosen].map(({ productId, name, price }) => {
      const quantity = rnd.int(1, 4);
      const money = (amount: number): Money => ({ amount, currency });
      return {
        productId,
        sku: `SKU-${productId}`,
        name,
        quantity,
        unitPrice: money(price),
        lineTotal: money(price * quantity),
      };
    });
    const subtotal = lines.reduce((sum, l) => sum + l.lineTotal.amount, 0);
    const coupon = rnd.chance(0.3);
    const discount = !coupon
      ? 0
      : rnd.chance(0.1)
        ? subtotal
        : rnd.chance(0.5)
          ? Math.min(500, subtotal)
          : Math.floor((subtotal * rnd.pick([10, 25])) / 100 + 0.5);
    const total = subtotal - discount;
    const m = (amount: number): Money => ({ amount, currency });
    let t = HISTORY_START + Math.floor(rnd.next() * HISTORY_DAYS * DAY);
    const later = (max: number) => (t += rnd.int(SECOND, max));
    const iso = () => new Date(t).toISOString();
    const data: OrderPlaced['data'] = {
      orderId,
      customerId: `c${rnd.int(1, 40)}`,
      placedAt: new Date(t).toISOString(),
      lines,
      currency,
      totals: { subtotal: m(subtotal), discount: m(discount), total: m(total) },
      ...(coupon ? { coupon: { code: 'SAVE', promotionId: 'promo1' } } : {}),
      shippingAddress: { name: 'N', line1: 'L', city: 'C', postalCode: 'P', country: 'DE' },
      payment: { method: 'card', token: 'tok_visa' },
    };
    plan(t, order, 'OrderPlaced', data);
    const paymentRefund = (amount: number, refundId: string) => {
      later(10 * SECOND);
      plan(t, payment, 'PaymentRefunded', {
        orderId,
        refundId,
        amount: m(amount),
        gatewayRef: `ref-${refundId}`,
        at: iso(),
      });
    };
    const capture = () => {
      later(5 * SECOND);
      plan(t, payment, 'PaymentCaptured', {
        orderId,
        amount: m(total),
        gatewayRef: `cap-${orderId}`,
        at: iso(),
      });
    };

    const outcome = rnd.next();
    if (outcome < 0.08) continue; // still pending
    if (outcome < 0.2) {
      const capturedFirst = total > 0 && rnd.chance(0.35);
      if (capturedFirst) capture();
      later(3 * HOUR);
      const reason: RejectionReason = capturedFirst
        ? 'PAYMENT_TIMEOUT'
        : rnd.pick(['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'COUPON_EXHAUSTED'] as const);
      plan(t, order, 'OrderRejected', { orderId, reason, rejectedAt: iso() });
      if (capturedFirst) paymentRefund(total, `${orderId}:ORDER_REJECTED`);
      continue;
    }
    if (outcome < 0.26) {
      const capturedFirst = total > 0 && rnd.chance(0.5);
      if (capturedFirst) capture();
      later(HOUR);
      plan(t, order, 'OrderCancelled', {
        orderId,
        by: 'customer',
        cancelledAt: iso(),
        wasConfirmed: false,
        refundDue: m(0),
      });
      if (capturedFirst) paymentRefund(total, `${orderId}:ORDER_CANCELLED`);
      continue;
    }

    if (total > 0) capture();
    later(3 * HOUR);
    plan(t, order, 'OrderConfirmed', { orderId, confirmedAt: iso() });
    let refunded = 0;
    const refund = (amount: number) => {
      later(2 * DAY);
      refunded += amount;
      const refundId = `${orderId}:r${refunded}`;
      plan(t, order, 'OrderRefunded', {
        orderId,
        refundId,
        amount: m(amount),
        reason: 'goodwill',
        refundedAt: iso(),
        refundedTotal: m(refunded),
        full: refunded === total,
      });
      paymentRefund(amount, refundId);
    };
    const after = rnd.next();
    if (after < 0.3 || total === 0) continue;
    if (rnd.chance(0.5)) {
      later(DAY);
      plan(t, order, 'OrderShipped', {
        orderId,
        carrier: 'DHL',
        trackingNumber: `TN-${orderId}`,
        shippedAt: iso(),
      });
    }
    if (after < 0.5 && total > 1) {
      refund(rnd.int(1, Math.floor(total / 2)));
      if (rnd.chance(0.4)) refund(rnd.int(1, total - refunded - 1));
    } else if (after < 0.65) {
      if (rnd.chance(0.5) && total > 1) refund(rnd.int(1, total - 1));
      refund(total - refunded);
    } else if (after < 0.85) {
      if (rnd.chance(0.3) && total > 1) refund(rnd.int(1, total - 1));
      later(DAY);
      const due = total - refunded;
      plan(t, order, 'OrderCancelled', {
        orderId,
        by: 'admin',
        cancelledAt: iso(),
        wasConfirmed: true,
        refundDue: m(due),
      });
      if (due > 0) paymentRefund(due, `${orderId}:ORDER_CANCELLED`);
    }
  }

  const log = eventLog();
  return planned
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.at - b.p.at || a.i - b.i)
    .map(({ p }) => log(p.streamId, p.type, p.data, new Date(p.at).toISOString()));
}
