import { startApi, type Api } from '../support/api-harness.js';
import {
  address,
  card,
  createCoupon,
  createProduct,
  discontinue,
  orderState,
  settleOrder,
  stockOf,
  writesSince,
} from '../support/order-api.js';

describe('carts API', () => {
  let api: Api;
  let customer: { customerId: string; token: string };
  beforeAll(async () => {
    api = await startApi();
    customer = await api.customer();
  });
  afterAll(() => api.stop());

  const checkoutBody = { shippingAddress: address, payment: card() };
  async function openCart(token = customer.token): Promise<string> {
    const res = await api.request('POST', '/v1/carts', { token });
    expect(res.status).toBe(201);
    return String(res.body.cartId);
  }
  const add = (cartId: string, productId: string, quantity: number, token = customer.token) =>
    api.request('POST', `/v1/carts/${cartId}/items`, { token, body: { productId, quantity } });
  const checkout = (
    cartId: string,
    body: Record<string, unknown> = checkoutBody,
    headers?: Record<string, string>,
  ) =>
    api.request('POST', `/v1/carts/${cartId}/checkout`, {
      token: customer.token,
      body,
      ...(headers ? { headers } : {}),
    });

  it('opens a cart, adds, merges and removes items, and shows it to its owner', async () => {
    const opened = await api.request('POST', '/v1/carts', { token: customer.token });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({ cartId: expect.any(String), position: expect.any(String) });
    expect(opened.headers.get('x-position')).toBe(opened.body.position);
    const cartId = String(opened.body.cartId);
    const p1 = await createProduct(api);
    const p2 = await createProduct(api);

    const added = await add(cartId, p1, 2);
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      cartId,
      status: 'open',
      lines: [{ productId: p1, quantity: 2 }],
      position: expect.any(String),
    });
    await add(cartId, p2, 1);
    await add(cartId, p1, 1);
    const removed = await api.request('DELETE', `/v1/carts/${cartId}/items/${p2}`, {
      token: customer.token,
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ lines: [{ productId: p1, quantity: 3 }] });

    const before = await api.engine.eventStore.headPosition();
    const absent = await api.request('DELETE', `/v1/carts/${cartId}/items/${p2}`, {
      token: customer.token,
    });
    expect(absent.status).toBe(200);
    expect(absent.body.position).toBe(removed.body.position);
    expect(await writesSince(api, before)).toEqual([]);

    const got = await api.request('GET', `/v1/carts/${cartId}`, { token: customer.token });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      cartId,
      customerId: customer.customerId,
      status: 'open',
      lines: [{ productId: p1, quantity: 3 }],
    });
    expect(got.headers.get('etag')).toBe('"4"');
  });

  it('hides a cart from other customers (404) and refuses unknown products and fields', async () => {
    const cartId = await openCart();
    const productId = await createProduct(api);
    const gone = await createProduct(api);
    await discontinue(api, gone);
    const stranger = await api.customer('Stranger');
    const admin = await api.adminToken();
    const before = await api.engine.eventStore.headPosition();

    expect(
      (await api.request('GET', `/v1/carts/${cartId}`, { token: stranger.token })).status,
    ).toBe(404);
    expect((await add(cartId, productId, 1, stranger.token)).status).toBe(404);
    const foreignCheckout = await api.request('POST', `/v1/carts/${cartId}/checkout`, {
      token: stranger.token,
      body: checkoutBody,
    });
    expect(foreignCheckout.status).toBe(404);
    expect((await api.request('GET', `/v1/carts/${cartId}`)).status).toBe(401);
    expect((await api.request('POST', '/v1/carts', { token: admin })).status).toBe(403);

    const unknown = await add(cartId, 'no-such-product', 1);
    expect(unknown.status).toBe(409);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_PRODUCT' });
    expect((await add(cartId, gone, 1)).body).toMatchObject({ code: 'PRODUCT_DISCONTINUED' });
    const sneaky = await api.request('POST', '/v1/carts', {
      token: customer.token,
      body: { customerId: stranger.customerId },
    });
    expect(sneaky.status).toBe(400);
    expect(JSON.stringify(sneaky.body.errors)).toContain('customerId');
    const withLines = await checkout(cartId, {
      ...checkoutBody,
      lines: [{ productId, quantity: 1 }],
    });
    expect(withLines.status).toBe(400);
    expect(JSON.stringify(withLines.body.errors)).toContain('lines');
    const empty = await checkout(cartId);
    expect(empty.status).toBe(409);
    expect(empty.body).toMatchObject({ code: 'EMPTY_CART' });
    expect(await writesSince(api, before)).toEqual([]);
  });

  it('checks out: places the order from the cart lines, answers like POST /v1/orders', async () => {
    const productId = await createProduct(api, { price: 1500, stock: 10 });
    const { code } = await createCoupon(api, { kind: 'fixed', value: 500, currency: 'EUR' });
    const cartId = await openCart();
    await add(cartId, productId, 2);

    const stale = await checkout(cartId, checkoutBody, { 'If-Match': '"0"' });
    expect(stale.status).toBe(412);
    const res = await checkout(
      cartId,
      { ...checkoutBody, couponCode: code },
      { 'If-Match': '"1"' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      orderId: expect.any(String),
      status: 'confirmed',
      totals: {
        subtotal: { amount: 3000, currency: 'EUR' },
        discount: { amount: 500, currency: 'EUR' },
        total: { amount: 2500, currency: 'EUR' },
      },
      position: expect.any(String),
    });
    expect(res.headers.get('x-position')).toBe(res.body.position);
    const orderId = String(res.body.orderId);
    expect(await orderState(api, orderId)).toMatchObject({
      customerId: customer.customerId,
      lines: [{ productId, quantity: 2 }],
    });
    const cart = await api.request('GET', `/v1/carts/${cartId}`, { token: customer.token });
    expect(cart.body).toMatchObject({ status: 'checkedOut', orderId });

    await settleOrder(api, orderId);
    const before = await api.engine.eventStore.headPosition();
    const again = await checkout(cartId);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INVALID_TRANSITION', orderId });
    expect((await add(cartId, productId, 1)).body).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await writesSince(api, before)).toEqual([]);
  });

  it('places one order when the same cart is checked out concurrently', async () => {
    const productId = await createProduct(api, { stock: 10 });
    const cartId = await openCart();
    await add(cartId, productId, 1);
    const before = await api.engine.eventStore.listStreams({ prefix: 'order-', limit: 10_000 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => checkout(cartId)));
    const placed = answers.filter((res) => res.status === 201 || res.status === 202);
    expect(placed.length).toBeGreaterThan(0);
    expect(new Set(placed.map((res) => res.body.orderId)).size).toBe(1);
    for (const res of answers.filter((r) => !placed.includes(r))) {
      expect(res.body).toMatchObject({ code: 'INVALID_TRANSITION' });
    }
    const after = await api.engine.eventStore.listStreams({ prefix: 'order-', limit: 10_000 });
    expect(after.length - before.length).toBe(1);
    await settleOrder(api, String(placed[0]?.body.orderId));
    expect(await stockOf(api, productId)).toMatchObject({ onHand: 9 });
  });

  it('replays a checkout sent again with the same Idempotency-Key', async () => {
    const productId = await createProduct(api, { stock: 10 });
    const cartId = await openCart();
    await add(cartId, productId, 1);
    const headers = { 'Idempotency-Key': `checkout-${cartId}` };
    const first = await checkout(cartId, checkoutBody, headers);
    const repeat = await checkout(cartId, checkoutBody, headers);
    expect(first.status).toBe(201);
    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual(first.body);
    const other = await checkout(
      cartId,
      { ...checkoutBody, payment: card('tok_declined') },
      headers,
    );
    expect(other.status).toBe(422);
  });
});
