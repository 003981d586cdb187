import { AppError } from '../errors.js';
import {
  add,
  minMoney,
  money,
  percentOf,
  subtract,
  times,
  zero,
  type Money,
} from '../events/money.js';
import type { OrderLine, OrderTotals } from '../events/order.js';

/** A line as the caller sends it, with the unit price it looked up. */
export interface RequestedLine {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly name: string;
  readonly sku: string;
}

/** The terms of a redeemable coupon, looked up by the caller. */
export interface CouponTerms {
  readonly code: string;
  readonly promotionId: string;
  readonly kind: 'percent' | 'fixed';
  /** A whole percentage (10 = 10%), or minor units of the order currency. */
  readonly value: number;
  readonly minSubtotal?: Money;
}

type PricedLine = Pick<RequestedLine, 'quantity' | 'unitPrice'>;

/** Validates the lines, merges those for the same product (first-seen order) and prices them. */
export function priceLines(lines: readonly RequestedLine[]): OrderLine[] {
  if (lines.length === 0) throw new AppError('EMPTY_ORDER', 'An order needs at least one line');
  for (const line of lines) assertQuantity(line.quantity);
  for (const line of lines) assertPrice(line.unitPrice);
  orderCurrency(lines);
  return mergeLines(lines).map(({ productId, sku, name, quantity, unitPrice }) => {
    assertQuantity(quantity);
    const lineTotal = times(unitPrice, quantity);
    if (!Number.isSafeInteger(lineTotal.amount)) {
      throw new AppError('INVALID_QUANTITY', `The quantity of ${productId} is too large`);
    }
    return { productId, sku, name, quantity, unitPrice, lineTotal };
  });
}

export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const merged = new Map<string, RequestedLine>();
  for (const line of lines) {
    const seen = merged.get(line.productId);
    merged.set(line.productId, seen ? { ...seen, quantity: seen.quantity + line.quantity } : line);
  }
  return [...merged.values()];
}

/** The one currency every unit price shares. */
export function orderCurrency(lines: readonly PricedLine[]): string {
  const [first, ...rest] = lines;
  if (!first) throw new AppError('EMPTY_ORDER', 'An order needs at least one line');
  const other = rest.find((line) => line.unitPrice.currency !== first.unitPrice.currency);
  if (other) {
    throw new AppError(
      'MIXED_CURRENCIES',
      `An order is priced in one currency, not ${first.unitPrice.currency} and ${other.unitPrice.currency}`,
    );
  }
  return first.unitPrice.currency;
}

export function computeTotals(lines: readonly PricedLine[], coupon?: CouponTerms): OrderTotals {
  const currency = orderCurrency(lines);
  const subtotal = lines.reduce(
    (sum, line) => add(sum, times(line.unitPrice, line.quantity)),
    zero(currency),
  );
  const discount = coupon ? discountFor(subtotal, coupon) : zero(currency);
  return { subtotal, discount, total: subtract(subtotal, discount) };
}

/** Percent: rounded half up to a minor unit. Fixed: never more than the subtotal. */
export function discountFor(subtotal: Money, coupon: CouponTerms): Money {
  assertCouponTerms(coupon);
  const { minSubtotal } = coupon;
  if (
    minSubtotal &&
    (minSubtotal.currency !== subtotal.currency || subtotal.amount < minSubtotal.amount)
  ) {
    throw new AppError(
      'INVALID_COUPON',
      `Coupon ${coupon.code} needs a subtotal of at least ${minSubtotal.amount} ${minSubtotal.currency}`,
    );
  }
  return coupon.kind === 'percent'
    ? percentOf(subtotal, coupon.value)
    : minMoney(money(coupon.value, subtotal.currency), subtotal);
}

function assertQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new AppError('INVALID_QUANTITY', 'A quantity is a positive whole number');
  }
}

function assertPrice(price: Money): void {
  if (!Number.isSafeInteger(price.amount) || price.amount < 0) {
    throw new AppError('INVALID_PRICE', 'A price is a non-negative whole number of minor units');
  }
}

function assertCouponTerms({ code, kind, value }: CouponTerms): void {
  const valid = Number.isSafeInteger(value) && value >= 0 && (kind === 'fixed' || value <= 100);
  if (!valid) throw new AppError('INVALID_COUPON', `Coupon ${code} has invalid terms`);
}
