import type { RecordedEvent } from '../../../src/stores/event-store.js';
import { eur, productLog } from '../catalog/product-events.js';

/** Order events on the same log as product and inventory events. */
export function orderLog() {
  const products = productLog();
  const { log } = products;
  const placed = (orderId: string, productIds: readonly string[]): RecordedEvent =>
    log(`order-${orderId}`, 'OrderPlaced', {
      orderId,
      customerId: 'c1',
      placedAt: '2026-03-01T10:00:00.000Z',
      lines: productIds.map((productId) => ({
        productId,
        sku: `SKU-${productId}`,
        name: `Product ${productId}`,
        quantity: 1,
        unitPrice: eur(1000),
        lineTotal: eur(1000),
      })),
      currency: 'EUR',
      totals: { subtotal: eur(0), discount: eur(0), total: eur(0) },
      shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'FR' },
      payment: { method: 'card', token: 'tok_visa' },
    });
  const confirmed = (orderId: string): RecordedEvent =>
    log(`order-${orderId}`, 'OrderConfirmed', { orderId, confirmedAt: '2026-03-01T10:00:01Z' });
  return {
    ...products,
    placed,
    confirmed,
    rejected: (orderId: string) =>
      log(`order-${orderId}`, 'OrderRejected', {
        orderId,
        reason: 'PAYMENT_TIMEOUT',
        rejectedAt: '2026-03-01T10:00:01Z',
      }),
    cancelled: (orderId: string, wasConfirmed: boolean) =>
      log(`order-${orderId}`, 'OrderCancelled', {
        orderId,
        by: 'customer',
        cancelledAt: '2026-03-01T11:00:00Z',
        wasConfirmed,
        refundDue: eur(0),
      }),
    /** The fulfilment path of a confirmed order: every line reserved, then committed, then confirmed. */
    bought(orderId: string, productIds: readonly string[]): RecordedEvent[] {
      return [
        placed(orderId, productIds),
        ...productIds.map((productId) => products.reserved(productId, orderId, 1)),
        ...productIds.map((productId) => products.committed(productId, orderId, 1)),
        confirmed(orderId),
      ];
    },
  };
}
