import { v7 as uuidv7 } from 'uuid';
import type { Api, ApiResponse } from '../support/api-harness.js';
import { address, card } from '../support/order-api.js';
import { openShop, startSecuredApi, type Json, type Shop } from './security-fixture.js';

/** Mass assignment must be refused (400) or ignored (2xx without the field taking effect). */
function refusedOrIgnored(res: ApiResponse): boolean {
  if (res.status === 400) return false;
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
  return true;
}

/** OWASP API3:2023 Broken Object Property Level Authorization: mass assignment. */
describe('API3 property level authorization (mass assignment)', () => {
  let api: Api;
  let shop: Shop;
  beforeAll(async () => {
    api = await startSecuredApi();
    shop = await openShop(api);
  });
  afterAll(() => api.stop());

  const extras: Json = {
    roles: ['admin', 'analyst', 'ops'],
    status: 'delivered',
    customerId: 'victim',
    total: { amount: 1, currency: 'EUR' },
    totals: { subtotal: { amount: 1, currency: 'EUR' } },
    _id: 'forced-id',
    _position: '999999999',
    isAdmin: true,
  };

  it.each(Object.keys(extras))('gives no roles through "%s" on register', async (field) => {
    const email = `mass-${uuidv7()}@example.com`;
    const res = await api.request('POST', '/v1/auth/register', {
      body: { email, password: 'password-123', name: 'Mallory', [field]: extras[field] },
    });
    if (!refusedOrIgnored(res)) {
      const login = await api.request('POST', '/v1/auth/login', {
        body: { email, password: 'password-123' },
      });
      expect(login.status).toBe(401);
      return;
    }
    const token = await api.login(email, 'password-123');
    const me = await api.request('GET', '/v1/me', { token });
    expect(me.body.roles).toEqual(['customer']);
    expect(me.body.customerId).toBe(res.body.customerId);
    expect(JSON.stringify(me.body)).not.toContain('forced-id');
    expect((await api.request('GET', '/v1/inventory/x', { token })).status).toBe(403);
  });

  it.each(Object.keys(extras))('takes no "%s" from an order body', async (field) => {
    const res = await api.request('POST', '/v1/orders', {
      token: shop.bob.token,
      body: {
        lines: [{ productId: shop.productId, quantity: 1 }],
        shippingAddress: address,
        payment: card(),
        [field]: extras[field],
      },
    });
    if (!refusedOrIgnored(res)) return;
    const order = await api.request('GET', `/v1/orders/${String(res.body.orderId)}`, {
      token: shop.bob.token,
    });
    expect(order.body.customerId).toBe(shop.bob.customerId);
    expect(order.body.status).not.toBe('delivered');
    expect((order.body.totals as Json).total).toEqual({ amount: 1500, currency: 'EUR' });
  });

  it('takes no price or owner from order lines, cart items or a checkout', async () => {
    const order = await api.request('POST', '/v1/orders', {
      token: shop.bob.token,
      body: {
        lines: [{ productId: shop.productId, quantity: 1, price: { amount: 1, currency: 'EUR' } }],
        shippingAddress: address,
        payment: card(),
      },
    });
    if (refusedOrIgnored(order)) {
      expect((order.body.totals as Json).total).toEqual({ amount: 1500, currency: 'EUR' });
    }
    const cart = await api.request('POST', '/v1/carts', {
      token: shop.bob.token,
      body: { customerId: shop.alice.customerId },
    });
    if (refusedOrIgnored(cart)) {
      const aliceView = await api.request('GET', `/v1/carts/${String(cart.body.cartId)}`, {
        token: shop.alice.token,
      });
      expect(aliceView.status).toBe(404);
    }
    const own = await api.request('POST', '/v1/carts', { token: shop.bob.token, body: {} });
    const cartId = String(own.body.cartId);
    const item = await api.request('POST', `/v1/carts/${cartId}/items`, {
      token: shop.bob.token,
      body: { productId: shop.productId, quantity: 1, price: { amount: 1, currency: 'EUR' } },
    });
    refusedOrIgnored(item);
    await api.request('POST', `/v1/carts/${cartId}/items`, {
      token: shop.bob.token,
      body: { productId: shop.productId, quantity: 1 },
    });
    const checkout = await api.request('POST', `/v1/carts/${cartId}/checkout`, {
      token: shop.bob.token,
      body: {
        shippingAddress: address,
        payment: card(),
        total: { amount: 1, currency: 'EUR' },
        customerId: shop.alice.customerId,
      },
    });
    if (refusedOrIgnored(checkout)) {
      expect((checkout.body.totals as Json).total).not.toEqual({ amount: 1, currency: 'EUR' });
    }
  });

  it('stores no read-model bookkeeping or derived figures given with a product', async () => {
    const derived: Json = {
      _id: 'forced-id',
      _position: '999999999',
      productId: 'forced-product',
      rating: 5,
      reviewCount: 1000,
      available: 1_000_000,
      status: 'discontinued',
    };
    const positions: string[] = [];
    for (const [field, value] of Object.entries(derived)) {
      const created = await api.request('POST', '/v1/products', {
        token: shop.admin,
        body: {
          sku: `MASS-${uuidv7()}`,
          name: 'Mass lamp',
          description: 'd',
          category: 'lamps',
          price: { amount: 100, currency: 'EUR' },
          [field]: value,
        },
      });
      if (refusedOrIgnored(created)) positions.push(String(created.body.position));
      const patched = await api.request('PATCH', `/v1/products/${shop.productId}`, {
        token: shop.admin,
        body: { name: 'Security lamp', [field]: value },
      });
      if (refusedOrIgnored(patched)) positions.push(String(patched.body.position));
    }
    const forced = await api.request('GET', '/v1/catalog/forced-id');
    expect(forced.status).toBe(404);
    const product = await api.request('GET', `/v1/catalog/${shop.productId}`, {
      headers: positions.length ? { 'X-Min-Position': positions.at(-1)! } : {},
    });
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ productId: shop.productId, reviewCount: 0 });
    expect(product.body.available).toBe(49);
    expect(product.body._position).toBeUndefined();
  });

  it('takes no role from a customer profile change or a review', async () => {
    const review = await api.request('POST', `/v1/products/${shop.productId}/reviews`, {
      token: shop.alice.token,
      body: { rating: 5, body: 'great', customerId: shop.bob.customerId, verified: true },
    });
    expect(review.status).not.toBe(201);
    const me = await api.request('GET', '/v1/me', { token: shop.alice.token });
    expect(me.body.roles).toEqual(['customer']);
  });
});
