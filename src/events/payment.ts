import type { DomainEvent } from './envelope.js';
import type { Money } from './money.js';

/** Events of `payment-<orderId>` streams: one payment per order. */
export type PaymentCaptured = DomainEvent<
  'PaymentCaptured',
  {
    readonly orderId: string;
    readonly amount: Money;
    readonly gatewayRef: string;
    readonly at: string;
  }
>;

export type PaymentDeclined = DomainEvent<
  'PaymentDeclined',
  { readonly orderId: string; readonly amount: Money; readonly reason: string; readonly at: string }
>;

export type PaymentRefunded = DomainEvent<
  'PaymentRefunded',
  {
    readonly orderId: string;
    readonly refundId: string;
    readonly amount: Money;
    readonly gatewayRef: string;
    readonly at: string;
  }
>;

export type PaymentEvent = PaymentCaptured | PaymentDeclined | PaymentRefunded;

export const paymentStream = (orderId: string) => `payment-${orderId}`;
