import type { DomainEvent } from './envelope.js';
import type { Money } from './money.js';

/** One product of an order; lines for the same product are merged before they are stored. */
export interface OrderLine {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly lineTotal: Money;
}

export interface OrderTotals {
  readonly subtotal: Money;
  readonly discount: Money;
  readonly total: Money;
}

export interface ShippingAddress {
  readonly name: string;
  readonly line1: string;
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
}

export interface PaymentDetails {
  readonly method: 'card';
  readonly token: string;
}

export type RejectionReason =
  'OUT_OF_STOCK' | 'PAYMENT_DECLINED' | 'PAYMENT_TIMEOUT' | 'COUPON_EXHAUSTED';

export type CancelledBy = 'customer' | 'admin';

/** Events of `order-<orderId>` streams. */
export type OrderPlaced = DomainEvent<
  'OrderPlaced',
  {
    readonly orderId: string;
    readonly customerId: string;
    readonly placedAt: string;
    readonly lines: readonly OrderLine[];
    readonly currency: string;
    readonly totals: OrderTotals;
    readonly coupon?: { readonly code: string; readonly promotionId: string };
    readonly shippingAddress: ShippingAddress;
    readonly payment: PaymentDetails;
  }
>;

export type OrderConfirmed = DomainEvent<
  'OrderConfirmed',
  { readonly orderId: string; readonly confirmedAt: string }
>;

export type OrderRejected = DomainEvent<
  'OrderRejected',
  { readonly orderId: string; readonly reason: RejectionReason; readonly rejectedAt: string }
>;

export type OrderCancelled = DomainEvent<
  'OrderCancelled',
  {
    readonly orderId: string;
    readonly by: CancelledBy;
    readonly reason?: string;
    readonly cancelledAt: string;
    readonly wasConfirmed: boolean;
    /** Captured minus already refunded; zero when nothing was captured. */
    readonly refundDue: Money;
  }
>;

export type OrderShipped = DomainEvent<
  'OrderShipped',
  {
    readonly orderId: string;
    readonly carrier: string;
    readonly trackingNumber: string;
    readonly shippedAt: string;
  }
>;

export type OrderDelivered = DomainEvent<
  'OrderDelivered',
  { readonly orderId: string; readonly deliveredAt: string }
>;

export type OrderRefunded = DomainEvent<
  'OrderRefunded',
  {
    readonly orderId: string;
    readonly refundId: string;
    readonly amount: Money;
    readonly reason: string;
    readonly refundedAt: string;
    /** Everything refunded so far, this refund included. */
    readonly refundedTotal: Money;
    readonly full: boolean;
  }
>;

export type OrderEvent =
  | OrderPlaced
  | OrderConfirmed
  | OrderRejected
  | OrderCancelled
  | OrderShipped
  | OrderDelivered
  | OrderRefunded;

export const orderStream = (orderId: string) => `order-${orderId}`;
