import { orderAggregate, type OrderCommand, type OrderState } from '../../commands/order.js';
import type { CouponTerms, RequestedLine } from '../../commands/order-totals.js';
import { computeTotals, priceLines } from '../../commands/order-totals.js';
import { couponCheck, promotionAggregate } from '../../commands/promotion.js';
import { purchasesAggregate, hasReceived } from '../../commands/purchases.js';
import { reviewAggregate } from '../../commands/review.js';
import type { CommandContext } from '../../commands/command-result.js';
import { orderStream } from '../../events/order.js';
import { promotionStream } from '../../events/promotion.js';
import { purchasesStream } from '../../events/purchases.js';
import { reviewStream } from '../../events/review.js';
import type { SeedCoupon, SeedProduct } from './seed-catalog.js';
import { STAFF, type SeedContext } from './seed-context.js';
import type { SeedCustomer } from './seed-customers.js';
import { CANCEL_REASONS, CARRIERS, REFUND_REASONS, REVIEWS } from './shop-data.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Puts work on the simulated timeline; work due after the end is never done. */
export type Schedule = (at: number, work: () => Promise<void>) => void;

export interface OrderPlanner {
  readonly products: readonly SeedProduct[];
  readonly coupons: readonly SeedCoupon[];
  readonly reviewed: Set<string>;
  readonly schedule: Schedule;
}

/** Places one order as a customer would, lets fulfilment decide it, and plans what follows. */
export async function placeOrder(
  ctx: SeedContext,
  plan: OrderPlanner,
  customer: SeedCustomer,
): Promise<void> {
  const { random } = ctx;
  const lines = pickLines(ctx, plan.products);
  if (lines.length === 0) return;
  const coupon = random.chance(0.18) ? await pickCoupon(ctx, plan.coupons, lines) : undefined;
  const orderId = ctx.newId();
  const asCustomer: CommandContext = { actor: customer.customerId };
  await ctx.handler.handle(
    orderAggregate,
    orderStream(orderId),
    {
      type: 'PlaceOrder',
      orderId,
      customerId: customer.customerId,
      placedAt: ctx.clock.now().toISOString(),
      lines,
      ...(coupon ? { coupon } : {}),
      shippingAddress: customer.address,
      payment: { method: 'card', token: random.chance(0.03) ? 'tok_declined' : 'tok_visa' },
    },
    asCustomer,
  );
  ctx.stats.ordersPlaced += 1;
  if (coupon) ctx.stats.couponOrders += 1;
  await ctx.fulfil(orderId, 0);

  const order = await orderState(ctx, orderId);
  if (order.status === 'rejected') {
    ctx.stats.rejected[order.reason] = (ctx.stats.rejected[order.reason] ?? 0) + 1;
    return;
  }
  if (order.status !== 'confirmed') return;
  ctx.stats.confirmed += 1;
  const now = ctx.clock.time;
  if (random.chance(0.04)) {
    plan.schedule(now + random.int(1, 20) * HOUR, () =>
      orderCommand(ctx, orderId, asCustomer, {
        type: 'CancelOrder',
        by: 'customer',
        reason: random.pick(CANCEL_REASONS),
        cancelledAt: ctx.clock.now().toISOString(),
      }).then(() => void (ctx.stats.cancelled += 1)),
    );
    return;
  }
  plan.schedule(now + random.int(18, 60) * HOUR, () => ship(ctx, plan, orderId, customer));
}

async function ship(ctx: SeedContext, plan: OrderPlanner, orderId: string, customer: SeedCustomer) {
  const { random } = ctx;
  const carrier = random.pick(CARRIERS);
  await orderCommand(ctx, orderId, STAFF, {
    type: 'ShipOrder',
    carrier,
    trackingNumber: `${carrier.slice(0, 2).toUpperCase()}${random.int(100_000_000, 999_999_999)}`,
    shippedAt: ctx.clock.now().toISOString(),
  });
  ctx.stats.shipped += 1;
  const now = ctx.clock.time;
  if (random.chance(0.005)) {
    plan.schedule(now + random.int(5, 9) * DAY, () =>
      orderCommand(ctx, orderId, STAFF, {
        type: 'CancelOrder',
        by: 'admin',
        reason: 'Lost in transit',
        cancelledAt: ctx.clock.now().toISOString(),
      }).then(() => void (ctx.stats.cancelled += 1)),
    );
    return;
  }
  plan.schedule(now + random.int(20, 96) * HOUR, () => deliver(ctx, plan, orderId, customer));
}

async function deliver(
  ctx: SeedContext,
  plan: OrderPlanner,
  orderId: string,
  customer: SeedCustomer,
) {
  const { random } = ctx;
  await orderCommand(ctx, orderId, STAFF, {
    type: 'DeliverOrder',
    deliveredAt: ctx.clock.now().toISOString(),
  });
  ctx.stats.delivered += 1;
  const order = await orderState(ctx, orderId);
  if (order.status === 'absent') return;
  const now = ctx.clock.time;
  const roll = random.next();
  if (roll < 0.035) {
    plan.schedule(now + random.int(1, 10) * DAY, () =>
      refund(ctx, orderId, order.totals.total.amount, false),
    );
  } else if (roll < 0.06) {
    const line = random.pick(order.lines);
    const amount = Math.min(line.unitPrice.amount, order.totals.total.amount);
    if (amount > 0)
      plan.schedule(now + random.int(1, 10) * DAY, () => refund(ctx, orderId, amount, true));
  }
  for (const line of order.lines) {
    const key = `${line.productId}:${customer.customerId}`;
    if (plan.reviewed.has(key) || !random.chance(0.3)) continue;
    plan.reviewed.add(key);
    plan.schedule(now + random.int(6, 14 * 24) * HOUR, () =>
      review(ctx, line.productId, customer.customerId),
    );
  }
}

async function refund(ctx: SeedContext, orderId: string, amount: number, partial: boolean) {
  await orderCommand(ctx, orderId, STAFF, {
    type: 'RefundOrder',
    refundId: ctx.newId(),
    amount,
    reason: ctx.random.pick(REFUND_REASONS),
    refundedAt: ctx.clock.now().toISOString(),
  });
  if (partial) ctx.stats.partialRefunds += 1;
  else ctx.stats.refunds += 1;
}

/** A review of a delivered product, allowed by the purchases record as the API checks it. */
async function review(ctx: SeedContext, productId: string, customerId: string) {
  const { state: purchases } = await ctx.handler.load(
    purchasesAggregate,
    purchasesStream(customerId),
  );
  const text = ctx.random.pick(REVIEWS);
  await ctx.handler.handle(
    reviewAggregate,
    reviewStream(productId, customerId),
    {
      type: 'SubmitReview',
      reviewId: ctx.newId(),
      productId,
      customerId,
      rating: text.rating,
      title: text.title,
      body: text.body,
      submittedAt: ctx.clock.now().toISOString(),
      hasDeliveredOrder: hasReceived(purchases, productId),
    },
    { actor: customerId },
  );
  ctx.stats.reviews += 1;
}

/** Runs a command on the order, then lets fulfilment react to what it recorded. */
async function orderCommand(
  ctx: SeedContext,
  orderId: string,
  context: CommandContext,
  command: OrderCommand,
): Promise<void> {
  const result = await ctx.handler.handle(orderAggregate, orderStream(orderId), command, context);
  const first = result.events[0];
  if (first) await ctx.fulfil(orderId, first.revision);
}

async function orderState(ctx: SeedContext, orderId: string): Promise<OrderState> {
  return (await ctx.handler.load(orderAggregate, orderStream(orderId))).state;
}

/**
 * One to three lines: popular products more often, and now and then a
 * product's companion, so some products are bought together.
 */
function pickLines(ctx: SeedContext, products: readonly SeedProduct[]): RequestedLine[] {
  const { random } = ctx;
  const count = random.weighted([55, 30, 15]) + 1;
  const chosen: SeedProduct[] = [];
  for (let attempt = 0; chosen.length < count && attempt < count * 4; attempt++) {
    const previous = chosen[chosen.length - 1];
    const index =
      previous && random.chance(0.45)
        ? previous.companion
        : Math.floor(products.length * random.next() ** 2);
    const product = products[index];
    if (product && !product.discontinued && !chosen.includes(product)) chosen.push(product);
  }
  const fallback = products.find((product) => !product.discontinued);
  if (chosen.length === 0 && fallback) chosen.push(fallback);
  return chosen.map((product) => ({
    productId: product.productId,
    sku: product.sku,
    name: product.name,
    quantity: random.weighted([70, 20, 10]) + 1,
    unitPrice: product.price,
  }));
}

/** A coupon the customer tries, if it applies to this order now (as checkout checks it). */
async function pickCoupon(
  ctx: SeedContext,
  coupons: readonly SeedCoupon[],
  lines: readonly RequestedLine[],
): Promise<CouponTerms | undefined> {
  const coupon = coupons[ctx.random.weighted([5, 3, 2, 4])];
  if (!coupon) return undefined;
  const { state } = await ctx.handler.load(promotionAggregate, promotionStream(coupon.promotionId));
  const { subtotal } = computeTotals(priceLines(lines));
  const check = couponCheck(state, { now: ctx.clock.now().toISOString(), subtotal });
  return check.ok ? check.terms : undefined;
}
