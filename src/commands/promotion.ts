import { AppError } from '../errors.js';
import type { Money } from '../events/money.js';
import type { PromotionCreated, PromotionEvent } from '../events/promotion.js';
import type { Aggregate } from './decider.js';
import { notFound } from './domain-errors.js';

// State

export type PromotionTerms = PromotionCreated['data'];

/**
 * `redeemedBy` holds the orders whose redemption is active (redeemed, not
 * reverted): a reverted order counts as never redeemed. Plain objects only,
 * as the state is snapshotted.
 */
export type PromotionState =
  | { readonly status: 'absent' }
  | ({
      readonly status: 'created';
      readonly redeemedBy: Readonly<Record<string, true>>;
      readonly activeRedemptions: number;
    } & PromotionTerms);

export function evolvePromotion(state: PromotionState, event: PromotionEvent): PromotionState {
  switch (event.type) {
    case 'PromotionCreated':
      return { status: 'created', ...event.data, redeemedBy: {}, activeRedemptions: 0 };
    case 'CouponRedeemed': {
      if (state.status === 'absent' || isRedeemedBy(state, event.data.orderId)) return state;
      return {
        ...state,
        redeemedBy: { ...state.redeemedBy, [event.data.orderId]: true },
        activeRedemptions: state.activeRedemptions + 1,
      };
    }
    case 'RedemptionReverted': {
      if (state.status === 'absent' || !isRedeemedBy(state, event.data.orderId)) return state;
      const { [event.data.orderId]: _, ...redeemedBy } = state.redeemedBy;
      return { ...state, redeemedBy, activeRedemptions: state.activeRedemptions - 1 };
    }
  }
}

const isRedeemedBy = (state: { redeemedBy: Readonly<Record<string, true>> }, orderId: string) =>
  Object.hasOwn(state.redeemedBy, orderId);

// Commands

export type PromotionCommand =
  | ({ readonly type: 'CreatePromotion' } & PromotionTerms)
  | { readonly type: 'Redeem'; readonly orderId: string; readonly at: string }
  | {
      readonly type: 'RevertRedemption';
      readonly orderId: string;
      readonly reason: string;
      readonly at: string;
    };

export function decidePromotion(
  command: PromotionCommand,
  state: PromotionState,
): PromotionEvent[] {
  switch (command.type) {
    case 'CreatePromotion': {
      if (state.status !== 'absent') {
        throw new AppError('PROMOTION_EXISTS', `Promotion ${state.promotionId} already exists`);
      }
      const { type: _, ...terms } = command;
      return [{ type: 'PromotionCreated', data: validTerms(terms) }];
    }
    case 'Redeem': {
      if (state.status === 'absent') throw notFound('promotion');
      const { orderId, at } = command;
      if (isRedeemedBy(state, orderId)) return [];
      const outside = outsideWindow(state, at);
      if (outside) throw new AppError('INVALID_COUPON', outside);
      if (state.maxRedemptions !== undefined && state.activeRedemptions >= state.maxRedemptions) {
        throw new AppError('COUPON_EXHAUSTED', `Coupon ${state.code} has been used up`);
      }
      return [{ type: 'CouponRedeemed', data: { promotionId: state.promotionId, orderId, at } }];
    }
    case 'RevertRedemption': {
      if (state.status === 'absent') throw notFound('promotion');
      const { orderId, reason, at } = command;
      if (!isRedeemedBy(state, orderId)) return [];
      return [
        {
          type: 'RedemptionReverted',
          data: { promotionId: state.promotionId, orderId, reason, at },
        },
      ];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** The terms as recorded: checked, with absent options left out rather than undefined. */
function validTerms(terms: PromotionTerms): PromotionTerms {
  const problem = termsProblem(terms);
  if (problem) throw new AppError('INVALID_PROMOTION', problem);
  const { promotionId, code, kind, value, currency } = terms;
  const { startsAt, endsAt, maxRedemptions, minSubtotal } = terms;
  return {
    promotionId,
    code,
    kind,
    value,
    ...(kind === 'fixed' ? { currency } : {}),
    ...(startsAt !== undefined ? { startsAt } : {}),
    ...(endsAt !== undefined ? { endsAt } : {}),
    ...(maxRedemptions !== undefined ? { maxRedemptions } : {}),
    ...(minSubtotal !== undefined ? { minSubtotal } : {}),
  };
}

function termsProblem(terms: PromotionTerms): string | undefined {
  const { code, kind, value, currency, startsAt, endsAt, maxRedemptions, minSubtotal } = terms;
  if (code.trim() === '') return 'A promotion needs a code';
  if (kind === 'percent' && !isWhole(value, 1, 100)) {
    return 'A percent promotion takes a whole percentage from 1 to 100';
  }
  if (kind === 'fixed' && !isWhole(value, 1)) {
    return 'A fixed promotion takes a positive whole number of minor units';
  }
  if (kind === 'fixed' && !isCurrency(currency)) return 'A fixed promotion needs a currency';
  if (startsAt !== undefined && !isInstant(startsAt)) return 'startsAt is not an ISO 8601 time';
  if (endsAt !== undefined && !isInstant(endsAt)) return 'endsAt is not an ISO 8601 time';
  if (
    startsAt !== undefined &&
    endsAt !== undefined &&
    !(Date.parse(endsAt) > Date.parse(startsAt))
  ) {
    return 'endsAt must come after startsAt';
  }
  if (maxRedemptions !== undefined && !isWhole(maxRedemptions, 1)) {
    return 'maxRedemptions is a positive whole number';
  }
  if (minSubtotal !== undefined && !isWhole(minSubtotal.amount, 0)) {
    return 'minSubtotal is a non-negative whole number of minor units';
  }
  if (
    minSubtotal !== undefined &&
    (!isCurrency(minSubtotal.currency) || (kind === 'fixed' && minSubtotal.currency !== currency))
  ) {
    return 'minSubtotal must be in the currency of the promotion';
  }
  return undefined;
}

const isWhole = (n: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  Number.isSafeInteger(n) && n >= min && n <= max;

const isCurrency = (currency: string | undefined): currency is string =>
  currency !== undefined && /^[A-Z]{3}$/.test(currency);

const isInstant = (iso: string) =>
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(iso) &&
  !Number.isNaN(Date.parse(iso));

/** Why `at` lies outside [startsAt, endsAt), or undefined when the coupon is valid then. */
function outsideWindow(terms: PromotionTerms, at: string): string | undefined {
  const time = Date.parse(at);
  if (terms.startsAt !== undefined && !(time >= Date.parse(terms.startsAt))) {
    return `Coupon ${terms.code} is not valid before ${terms.startsAt}`;
  }
  if (terms.endsAt !== undefined && !(time < Date.parse(terms.endsAt))) {
    return `Coupon ${terms.code} expired at ${terms.endsAt}`;
  }
  return undefined;
}

// Checks before an order is placed

export interface CouponTerms {
  readonly code: string;
  readonly promotionId: string;
  readonly kind: 'percent' | 'fixed';
  readonly value: number;
  readonly currency?: string;
  readonly minSubtotal?: Money;
}

export type CouponCheck =
  | { readonly ok: true; readonly terms: CouponTerms }
  | { readonly ok: false; readonly code: 'INVALID_COUPON'; readonly message: string };

/**
 * Whether the coupon may be applied to an order at `now` (and, given one, to
 * its subtotal). Exhaustion is not checked here: it is decided at Redeem.
 */
export function couponCheck(
  state: PromotionState,
  order: { readonly now: string; readonly subtotal?: Money },
): CouponCheck {
  const invalid = (message: string): CouponCheck => ({
    ok: false,
    code: 'INVALID_COUPON',
    message,
  });
  if (state.status === 'absent') return invalid('Unknown coupon');
  const outside = outsideWindow(state, order.now);
  if (outside) return invalid(outside);
  const { code, promotionId, kind, value, currency, minSubtotal } = state;
  const { subtotal } = order;
  if (subtotal && kind === 'fixed' && subtotal.currency !== currency) {
    return invalid(`Coupon ${code} applies to orders in ${currency}`);
  }
  if (
    subtotal &&
    minSubtotal &&
    (subtotal.currency !== minSubtotal.currency || subtotal.amount < minSubtotal.amount)
  ) {
    return invalid(
      `Coupon ${code} needs a subtotal of at least ${minSubtotal.amount} ${minSubtotal.currency}`,
    );
  }
  return {
    ok: true,
    terms: {
      code,
      promotionId,
      kind,
      value,
      ...(currency !== undefined ? { currency } : {}),
      ...(minSubtotal !== undefined ? { minSubtotal } : {}),
    },
  };
}

export const promotionAggregate: Aggregate<PromotionState, PromotionCommand, PromotionEvent> = {
  category: 'promotion',
  decider: { initialState: { status: 'absent' }, decide: decidePromotion, evolve: evolvePromotion },
  snapshot: { version: 'promotion-v1', every: 200 },
};
