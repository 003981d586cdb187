import { SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import type { Role } from '../../src/events/customer.js';
import { startApi, type Api, type ApiResponse } from '../support/api-harness.js';
import { address, card } from '../support/order-api.js';
import { latest } from '../api/query-api.js';

/** Known to the tests, so they can sign tokens the server accepts (or almost accepts). */
export const JWT_SECRET = 'security-suite-jwt-secret-0123456789-abcdefghij';
export const CUSTOMER_PASSWORD = 'password-123';

export type Json = Record<string, unknown>;

export function startSecuredApi(env: Record<string, string> = {}): Promise<Api> {
  return startApi({ env: { JWT_SECRET, ...env } });
}

/** A token signed with `secret` (the server's by default), HS256 unless told otherwise. */
export async function signToken(
  claims: { sub?: string; roles?: readonly Role[]; iss?: string; exp?: number; iat?: number },
  options: { secret?: string; alg?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { sub, roles = ['customer'], iss = 'commerce-engine', exp = now + 600, iat = now } = claims;
  let jwt = new SignJWT({ roles: [...roles] })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(iss)
    .setIssuedAt(iat);
  if (sub !== undefined) jwt = jwt.setSubject(sub);
  if (exp !== 0) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`) claiming whatever it likes. */
export const unsignedToken = (payload: Json) =>
  `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;

/** A problem+json answer with this status (and code, when given). */
export function expectProblem(res: ApiResponse, status: number, code?: string): void {
  const summary = `${res.status} ${JSON.stringify(res.body)}`;
  expect({ status: res.status, summary }).toEqual({ status, summary });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, ...(code ? { code } : {}) });
}

export interface Shop {
  readonly admin: string;
  readonly alice: { customerId: string; email: string; token: string };
  readonly bob: { customerId: string; email: string; token: string };
  readonly productId: string;
  readonly aliceOrderId: string;
  readonly aliceCartId: string;
  /** After every write above: wait for it to read the read models. */
  readonly position: string;
}

async function ok(res: Promise<ApiResponse>, status: number, what: string): Promise<Json> {
  const answer = await res;
  if (answer.status !== status)
    throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Two customers; Alice owns a confirmed order and an open cart with an item in it. */
export async function openShop(api: Api): Promise<Shop> {
  const admin = await api.adminToken();
  const [alice, bob] = [await api.customer('Alice'), await api.customer('Bob')];
  const product = await ok(
    api.request('POST', '/v1/products', {
      token: admin,
      body: {
        sku: `SEC-${uuidv7()}`,
        name: 'Security lamp',
        description: 'Lights up attackers',
        category: 'lamps',
        price: { amount: 1500, currency: 'EUR' },
      },
    }),
    201,
    'create product',
  );
  const productId = String(product.productId);
  await ok(
    api.request('POST', `/v1/inventory/${productId}/receive`, {
      token: admin,
      body: { quantity: 50 },
    }),
    200,
    'receive',
  );
  const order = await ok(
    api.request('POST', '/v1/orders', {
      token: alice.token,
      body: { lines: [{ productId, quantity: 1 }], shippingAddress: address, payment: card() },
    }),
    201,
    'order',
  );
  const cart = await ok(
    api.request('POST', '/v1/carts', { token: alice.token, body: {} }),
    201,
    'cart',
  );
  const item = await ok(
    api.request('POST', `/v1/carts/${String(cart.cartId)}/items`, {
      token: alice.token,
      body: { productId, quantity: 2 },
    }),
    200,
    'add item',
  );
  return {
    admin,
    alice,
    bob,
    productId,
    aliceOrderId: String(order.orderId),
    aliceCartId: String(cart.cartId),
    position: latest([String(order.position), String(item.position)]),
  };
}

/** The OpenAPI operations, as `{method, path, roles}` (roles undefined: anyone or any signed-in caller). */
export async function operations(api: Api) {
  const doc = await api.request<{ paths: Record<string, Record<string, Json>> }>(
    'GET',
    '/v1/openapi.json',
  );
  return Object.entries(doc.body.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      anyone: Array.isArray(op.security) && op.security.length === 0,
      roles: op['x-roles'] as Role[] | undefined,
      parameters: (op.parameters ?? []) as { name: string; in: string; required?: boolean }[],
    })),
  );
}

export type Operation = Awaited<ReturnType<typeof operations>>[number];

/** The path with every `{param}` replaced by `value(param)`. */
export const fillPath = (path: string, value: (param: string) => string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(value(name)));
