import { v7 as uuidv7 } from 'uuid';
import { normaliseCouponCode } from '../../src/api/routes/promotion-routes.js';
import { availability, inventoryAggregate } from '../../src/commands/inventory.js';
import { orderAggregate, orderView } from '../../src/commands/order.js';
import { productAggregate } from '../../src/commands/product.js';
import { promotionAggregate, type PromotionTerms } from '../../src/commands/promotion.js';
import { uniqueClaimAggregate, uniqueStream } from '../../src/commands/unique-claim.js';
import { inventoryStream } from '../../src/events/inventory.js';
import { orderStream } from '../../src/events/order.js';
import { productStream } from '../../src/events/product.js';
import { promotionStream } from '../../src/events/promotion.js';
import type { Api, ApiResponse } from './api-harness.js';

/** Shop set-up for the order, cart and review API tests, written through the command side. */
const admin = { actor: 'test-admin' };

export const address = {
  name: 'Ada Lovelace',
  line1: '1 Analytical Row',
  city: 'London',
  postalCode: 'N1 1AA',
  country: 'GB',
};
export const card = (token = 'tok_visa') => ({ method: 'card', token });

export async function createProduct(
  api: Api,
  options: { price?: number; currency?: string; stock?: number } = {},
): Promise<string> {
  const productId = uuidv7();
  await api.engine.handler.handle(
    productAggregate,
    productStream(productId),
    {
      type: 'CreateProduct',
      productId,
      sku: `SKU-${productId}`,
      name: `Product ${productId.slice(-6)}`,
      description: 'A test product',
      category: 'tests',
      price: { amount: options.price ?? 1000, currency: options.currency ?? 'EUR' },
      attributes: {},
    },
    admin,
  );
  if (options.stock) {
    await api.engine.handler.handle(
      inventoryAggregate,
      inventoryStream(productId),
      { type: 'ReceiveStock', productId, quantity: options.stock },
      admin,
    );
  }
  return productId;
}

export async function discontinue(api: Api, productId: string): Promise<void> {
  await api.engine.handler.handle(
    productAggregate,
    productStream(productId),
    { type: 'Discontinue' },
    admin,
  );
}

/** A promotion whose code is claimed as POST /v1/promotions claims it. */
export async function createCoupon(
  api: Api,
  terms: Omit<PromotionTerms, 'promotionId' | 'code'> & { code?: string },
): Promise<{ code: string; promotionId: string }> {
  const promotionId = uuidv7();
  const code = terms.code ?? `SAVE-${promotionId.slice(-8).toUpperCase()}`;
  const value = normaliseCouponCode(code);
  await api.engine.handler.handle(
    uniqueClaimAggregate,
    uniqueStream('coupon', value),
    { type: 'Claim', kind: 'coupon', value, ownerId: promotionId, takenCode: 'TAKEN' },
    admin,
  );
  await api.engine.handler.handle(
    promotionAggregate,
    promotionStream(promotionId),
    { type: 'CreatePromotion', ...terms, promotionId, code: value },
    admin,
  );
  return { code, promotionId };
}

export async function stockOf(api: Api, productId: string) {
  const { state } = await api.engine.handler.load(inventoryAggregate, inventoryStream(productId));
  return availability(state);
}

export async function orderState(api: Api, orderId: string) {
  return orderView((await api.engine.handler.load(orderAggregate, orderStream(orderId))).state);
}

/**
 * Waits until the fulfilment process has handled every event of the order,
 * compensations included: it is caused only by the order's own events.
 */
export async function settleOrder(api: Api, orderId: string): Promise<void> {
  let handled: string | undefined;
  for (;;) {
    const [last] = await api.engine.eventStore.readStream(orderStream(orderId), {
      direction: 'backwards',
      limit: 1,
    });
    if (!last || last.position === handled) return;
    await api.engine.fulfilment.waitFor(last.position);
    handled = last.position;
  }
}

export function placeOrder(
  api: Api,
  token: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<ApiResponse> {
  return api.request('POST', '/v1/orders', {
    token,
    body: { shippingAddress: address, payment: card(), ...body },
    ...(headers ? { headers } : {}),
  });
}

/** Places an order and waits until it is confirmed. */
export async function confirmedOrder(
  api: Api,
  token: string,
  lines: { productId: string; quantity: number }[],
): Promise<string> {
  const res = await placeOrder(api, token, { lines });
  const orderId = String(res.body.orderId);
  await settleOrder(api, orderId);
  const order = await orderState(api, orderId);
  if (order?.status !== 'confirmed') {
    throw new Error(`order not confirmed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return orderId;
}

/**
 * What was appended after `position` besides the fulfilment checkpoint, which
 * the process saves on a timer and so may land during any test.
 */
export async function writesSince(api: Api, position: string | undefined) {
  const events = await api.engine.eventStore.readAll({
    ...(position ? { fromPosition: position } : {}),
    limit: 1000,
  });
  return events
    .filter((event) => !event.streamId.startsWith('checkpoint-'))
    .map((event) => `${event.streamId} ${event.type}`);
}
