import type { Request } from 'express';
import { z } from 'zod';
import type { CommandContext } from '../../commands/command-result.js';
import { orderAggregate } from '../../commands/order.js';
import {
  computeTotals,
  priceLines,
  type CouponTerms,
  type RequestedLine,
} from '../../commands/order-totals.js';
import { productAggregate, type ProductState } from '../../commands/product.js';
import { couponCheck } from '../../commands/promotion.js';
import { AppError } from '../../errors.js';
import type { Money } from '../../events/money.js';
import {
  orderStream,
  type OrderPlaced,
  type OrderTotals,
  type PaymentDetails,
  type ShippingAddress,
} from '../../events/order.js';
import { productStream } from '../../events/product.js';
import { isPosition } from '../../stores/position.js';
import type { ApiDeps } from '../api-deps.js';
import type { Principal } from '../auth/principal.js';
import type { RouteResult } from '../route.js';
import { money, text } from '../schemas.js';
import { parse } from '../validation.js';
import { positionOf } from './catalog-routes.js';
import { findCouponByCode } from './promotion-routes.js';

/** What POST /v1/orders and cart checkout share: everything but the lines. */
export const checkoutFields = {
  shippingAddress: z.strictObject({
    name: text(200),
    line1: text(200),
    city: text(100),
    postalCode: text(20),
    country: text(100),
  }),
  payment: z.strictObject({ method: z.literal('card'), token: text(200) }),
  couponCode: z.string().trim().min(1).max(64).optional(),
};

const totals = z.object({ subtotal: money, discount: money, total: money });

/** The answer of POST /v1/orders and of a cart checkout (201 decided, 202 pending). */
export const orderAnswers = {
  201: {
    description: 'Placed and decided (a rejected order is not an HTTP error)',
    schema: z.object({
      orderId: z.string(),
      status: z.enum(['confirmed', 'rejected']),
      reason: z.string().optional(),
      totals,
      position: z.string(),
    }),
  },
  202: {
    description: 'Placed; no decision yet',
    schema: z.object({
      orderId: z.string(),
      status: z.literal('pending'),
      totals,
      position: z.string(),
    }),
  },
};

export interface Checkout {
  readonly shippingAddress: ShippingAddress;
  readonly payment: PaymentDetails;
  readonly couponCode?: string | undefined;
}

export interface PricedOrder {
  readonly lines: readonly RequestedLine[];
  readonly coupon?: CouponTerms;
  readonly totals: OrderTotals;
}

export interface PlacedOrder {
  readonly orderId: string;
  readonly totals: OrderTotals;
  /** Position of OrderPlaced. */
  readonly position: string;
}

type ActiveProduct = Extract<ProductState, { status: 'active' }>;

/** The signed-in caller; routes with role access always have one. */
export function caller(principal: Principal | undefined): Principal {
  if (!principal) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return principal;
}

const minPosition = z.string().refine(isPosition, 'X-Min-Position must be a position');

/** A read straight from a stream is always current: X-Min-Position is only checked for its form. */
export function acceptMinPosition(req: Request): void {
  const value = req.get('X-Min-Position');
  if (value !== undefined) parse(minPosition, value, 'headers');
}

/** A product that can be sold: unknown -> UNKNOWN_PRODUCT, discontinued -> PRODUCT_DISCONTINUED. */
export async function sellableProduct(deps: ApiDeps, productId: string): Promise<ActiveProduct> {
  return sellable(productId, await loadProduct(deps, productId));
}

/**
 * Prices the lines from the products' current state and checks the coupon.
 * Everything that can be refused before an order exists is refused here.
 */
export async function priceOrder(
  deps: ApiDeps,
  lines: readonly { readonly productId: string; readonly quantity: number }[],
  couponCode: string | undefined,
): Promise<PricedOrder> {
  const ids = [...new Set(lines.map((line) => line.productId))];
  const states = await Promise.all(ids.map((productId) => loadProduct(deps, productId)));
  const products = new Map(ids.map((productId, i) => [productId, states[i]]));
  const requested = lines.map(({ productId, quantity }): RequestedLine => {
    const product = sellable(productId, products.get(productId));
    const { price: unitPrice, name, sku } = product;
    return { productId, quantity, unitPrice, name, sku };
  });
  const priced = priceLines(requested);
  const { subtotal } = computeTotals(priced);
  const coupon = couponCode === undefined ? undefined : await couponFor(deps, couponCode, subtotal);
  return {
    lines: requested,
    ...(coupon ? { coupon } : {}),
    totals: computeTotals(priced, coupon),
  };
}

async function loadProduct(deps: ApiDeps, productId: string) {
  return (await deps.handler.load(productAggregate, productStream(productId))).state;
}

function sellable(productId: string, state: ProductState | undefined): ActiveProduct {
  if (!state || state.status === 'absent') {
    throw new AppError('UNKNOWN_PRODUCT', `No product ${productId}`, { productId });
  }
  if (state.status === 'discontinued') {
    throw new AppError('PRODUCT_DISCONTINUED', `Product ${productId} is discontinued`, {
      productId,
    });
  }
  return state;
}

/** Unknown, expired, not yet valid or below its minimum -> INVALID_COUPON. Exhaustion is decided later. */
async function couponFor(deps: ApiDeps, code: string, subtotal: Money): Promise<CouponTerms> {
  const found = await findCouponByCode(deps, code);
  if (!found) throw new AppError('INVALID_COUPON', `Unknown coupon ${code}`);
  const check = couponCheck(found.state, { now: deps.clock().toISOString(), subtotal });
  if (!check.ok) throw new AppError(check.code, check.message);
  return check.terms;
}

/** Appends OrderPlaced; the fulfilment process takes it from there. */
export async function placeOrder(
  deps: ApiDeps,
  order: { readonly orderId: string; readonly customerId: string },
  priced: PricedOrder,
  checkout: Checkout,
  context: CommandContext,
): Promise<PlacedOrder> {
  const { orderId, customerId } = order;
  const result = await deps.handler.handle(
    orderAggregate,
    orderStream(orderId),
    {
      type: 'PlaceOrder',
      orderId,
      customerId,
      placedAt: deps.clock().toISOString(),
      lines: priced.lines,
      ...(priced.coupon ? { coupon: priced.coupon } : {}),
      shippingAddress: checkout.shippingAddress,
      payment: checkout.payment,
    },
    context,
  );
  const position = await positionOf(deps, orderStream(orderId), result);
  return { orderId, totals: priced.totals, position: position ?? '' };
}

/** An order placed earlier, as placing it answered. */
export async function placedOrder(deps: ApiDeps, orderId: string): Promise<PlacedOrder> {
  const [placed] = await deps.eventStore.readStream(orderStream(orderId), { limit: 1 });
  if (!placed) throw new AppError('NOT_FOUND', 'No such order');
  const data = placed.data as OrderPlaced['data'];
  return { orderId, totals: data.totals, position: placed.position };
}

/**
 * Waits (bounded) for the fulfilment decision: 201 with it, or 202 pending
 * with the OrderPlaced position to wait on.
 */
export async function answerWhenDecided(deps: ApiDeps, placed: PlacedOrder): Promise<RouteResult> {
  const { orderId, totals: orderTotals } = placed;
  const decision = await deps.decisions.wait(orderId, deps.orderDecisionWaitMs);
  if (!decision) {
    const { position } = placed;
    return {
      status: 202,
      body: { orderId, status: 'pending', totals: orderTotals, position },
      position,
    };
  }
  const { position } = decision;
  const reason = decision.status === 'rejected' ? { reason: decision.reason } : {};
  return {
    status: 201,
    body: { orderId, status: decision.status, ...reason, totals: orderTotals, position },
    position,
  };
}
