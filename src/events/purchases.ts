import type { DomainEvent } from './envelope.js';

/** Events of `purchases-<customerId>` streams: what a customer has received, for reviews. */
export type ProductsDelivered = DomainEvent<
  'ProductsDelivered',
  {
    readonly customerId: string;
    readonly orderId: string;
    readonly productIds: readonly string[];
  }
>;

export type PurchasesEvent = ProductsDelivered;

export const purchasesStream = (customerId: string) => `purchases-${customerId}`;
