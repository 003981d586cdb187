import { v7 as uuidv7 } from 'uuid';
import { comparePositions } from '../../src/stores/position.js';
import type { Api, ApiResponse } from '../support/api-harness.js';
import { address, card } from '../support/order-api.js';

/** Set-up for the query API tests, written through the HTTP API as a client would. */

export type Body = Record<string, unknown>;

export const errorPaths = (res: ApiResponse) =>
  ((res.body.errors ?? []) as { path: string }[]).map((e) => e.path);

/** The latest of some positions: waiting for it waits for every write before it. */
export const latest = (positions: readonly string[]): string =>
  positions.reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b));

export interface CreatedProduct {
  readonly productId: string;
  readonly position: string;
}

export async function createProduct(
  api: Api,
  admin: string,
  fields: Body & { name: string; category: string; price: number },
): Promise<CreatedProduct> {
  const { price, ...rest } = fields;
  const res = await api.request('POST', '/v1/products', {
    token: admin,
    body: {
      sku: `SKU-${uuidv7()}`,
      description: 'A product',
      ...rest,
      price: { amount: price, currency: 'EUR' },
    },
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return { productId: String(res.body.productId), position: String(res.body.position) };
}

/** Receives stock; answers the position of the write. */
export async function receive(
  api: Api,
  admin: string,
  productId: string,
  quantity: number,
): Promise<string> {
  const res = await api.request('POST', `/v1/inventory/${productId}/receive`, {
    token: admin,
    body: { quantity },
  });
  if (res.status !== 200) throw new Error(`receive: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.position);
}

/** Places an order through the API and expects the decision (201). */
export async function order(
  api: Api,
  token: string,
  lines: { productId: string; quantity: number }[],
  more: Body = {},
): Promise<Body & { orderId: string; status: string; position: string }> {
  const res = await api.request('POST', '/v1/orders', {
    token,
    body: { lines, shippingAddress: address, payment: card(), ...more },
  });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Body & { orderId: string; status: string; position: string };
}

/** A GET that answers once the route's read model has processed `position`. */
export function readAfter(
  api: Api,
  url: string,
  position: string,
  token?: string,
): Promise<ApiResponse> {
  return api.request('GET', url, {
    headers: { 'X-Min-Position': position },
    ...(token ? { token } : {}),
  });
}

export const uniqueName = (prefix: string) => `${prefix}-${uuidv7()}`;
