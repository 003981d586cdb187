import type { Money } from '../../../src/events/money.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import { eventLog } from '../../support/project-events.js';

export const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

export interface ProductFields {
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly price: Money;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Builders for product and inventory events on one log, with consecutive positions. */
export function productLog() {
  const log = eventLog();
  let day = 0;
  return {
    log,
    created(productId: string, fields: Partial<ProductFields> = {}, at?: string): RecordedEvent {
      day++;
      return log(
        `product-${productId}`,
        'ProductCreated',
        {
          productId,
          sku: `SKU-${productId}`,
          name: `Product ${productId}`,
          description: '',
          category: 'misc',
          price: eur(1000),
          attributes: {},
          ...fields,
        },
        at ?? `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`,
      );
    },
    updated: (productId: string, changes: Partial<Omit<ProductFields, 'price' | 'sku'>>) =>
      log(`product-${productId}`, 'ProductUpdated', { productId, ...changes }),
    priced: (productId: string, price: Money, previous: Money) =>
      log(`product-${productId}`, 'PriceChanged', { productId, price, previous }),
    discontinued: (productId: string) =>
      log(`product-${productId}`, 'ProductDiscontinued', { productId }),
    received: (productId: string, quantity: number) =>
      log(`inventory-${productId}`, 'StockReceived', { productId, quantity }),
    adjusted: (productId: string, delta: number) =>
      log(`inventory-${productId}`, 'StockAdjusted', { productId, delta, reason: 'stocktake' }),
    reserved: (productId: string, reservationId: string, quantity: number) =>
      log(`inventory-${productId}`, 'StockReserved', {
        productId,
        reservationId,
        quantity,
        expiresAt: '2026-03-01T10:15:00.000Z',
      }),
    reservationFailed: (productId: string, reservationId: string, requested: number) =>
      log(`inventory-${productId}`, 'StockReservationFailed', {
        productId,
        reservationId,
        requested,
        available: 0,
      }),
    released: (productId: string, reservationId: string, quantity: number) =>
      log(`inventory-${productId}`, 'ReservationReleased', {
        productId,
        reservationId,
        quantity,
        reason: 'EXPIRED',
      }),
    committed: (productId: string, reservationId: string, quantity: number) =>
      log(`inventory-${productId}`, 'ReservationCommitted', { productId, reservationId, quantity }),
    returned: (productId: string, reservationId: string, quantity: number) =>
      log(`inventory-${productId}`, 'StockReturned', { productId, reservationId, quantity }),
    reviewed: (productId: string, customerId: string, rating: number) =>
      log(`review-${productId}-${customerId}`, 'ReviewSubmitted', {
        reviewId: `r-${productId}-${customerId}`,
        productId,
        customerId,
        rating,
        body: 'Fine',
        submittedAt: '2026-03-20T10:00:00.000Z',
      }),
  };
}
