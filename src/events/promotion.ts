import type { DomainEvent } from './envelope.js';
import type { Money } from './money.js';

/** Events of `promotion-<promotionId>` streams. */
export type PromotionCreated = DomainEvent<
  'PromotionCreated',
  {
    readonly promotionId: string;
    readonly code: string;
    /** percent: `value` is a whole percentage; fixed: minor units of `currency`. */
    readonly kind: 'percent' | 'fixed';
    readonly value: number;
    readonly currency?: string;
    readonly startsAt?: string;
    readonly endsAt?: string;
    readonly maxRedemptions?: number;
    readonly minSubtotal?: Money;
  }
>;

export type CouponRedeemed = DomainEvent<
  'CouponRedeemed',
  { readonly promotionId: string; readonly orderId: string; readonly at: string }
>;

export type RedemptionReverted = DomainEvent<
  'RedemptionReverted',
  {
    readonly promotionId: string;
    readonly orderId: string;
    readonly reason: string;
    readonly at: string;
  }
>;

export type PromotionEvent = PromotionCreated | CouponRedeemed | RedemptionReverted;

export const promotionStream = (promotionId: string) => `promotion-${promotionId}`;
