import { v7 as uuidv7 } from 'uuid';
import type { Api } from '../support/api-harness.js';
import { address, card } from '../support/order-api.js';
import {
  expectProblem,
  openShop,
  signToken,
  startSecuredApi,
  type Shop,
} from './security-fixture.js';

/** OWASP API1:2023 Broken Object Level Authorization: another customer's things are 404, never 403. */
describe('API1 object level authorization', () => {
  let api: Api;
  let shop: Shop;
  beforeAll(async () => {
    api = await startSecuredApi();
    shop = await openShop(api);
  });
  afterAll(() => api.stop());

  const bobAsks = (method: string, url: string, body?: unknown) =>
    api.request(method, url, { token: shop.bob.token, ...(body === undefined ? {} : { body }) });

  it("answers 404 for reading another customer's order, exactly as for an unknown one", async () => {
    const foreign = await bobAsks('GET', `/v1/orders/${shop.aliceOrderId}`);
    const unknown = await bobAsks('GET', `/v1/orders/${uuidv7()}`);
    expectProblem(foreign, 404, 'NOT_FOUND');
    expect(foreign.body).toEqual(unknown.body);
    // The owner and staff do see it: the 404 is about who asks.
    const own = await api.request('GET', `/v1/orders/${shop.aliceOrderId}`, {
      token: shop.alice.token,
    });
    expect(own.status).toBe(200);
    const staff = await api.request('GET', `/v1/orders/${shop.aliceOrderId}`, {
      token: shop.admin,
    });
    expect(staff.status).toBe(200);
  });

  it("answers 404 for cancelling another customer's order and leaves it as it was", async () => {
    const before = await api.request('GET', `/v1/orders/${shop.aliceOrderId}`, {
      token: shop.alice.token,
    });
    expectProblem(await bobAsks('POST', `/v1/orders/${shop.aliceOrderId}/cancel`, {}), 404);
    expectProblem(
      await bobAsks('POST', `/v1/orders/${shop.aliceOrderId}/cancel`, { reason: 'mine now' }),
      404,
    );
    const after = await api.request('GET', `/v1/orders/${shop.aliceOrderId}`, {
      token: shop.alice.token,
    });
    expect(after.body.status).toBe('confirmed');
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it("answers 404 for every command and read on another customer's cart and changes nothing", async () => {
    const cart = `/v1/carts/${shop.aliceCartId}`;
    const before = await api.request('GET', cart, { token: shop.alice.token });
    expect(before.status).toBe(200);
    expectProblem(await bobAsks('GET', cart), 404, 'NOT_FOUND');
    expectProblem(
      await bobAsks('POST', `${cart}/items`, { productId: shop.productId, quantity: 1 }),
      404,
    );
    expectProblem(await bobAsks('DELETE', `${cart}/items/${shop.productId}`), 404);
    expectProblem(
      await bobAsks('POST', `${cart}/checkout`, { shippingAddress: address, payment: card() }),
      404,
    );
    const after = await api.request('GET', cart, { token: shop.alice.token });
    expect(after.body).toEqual(before.body);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it("keeps another customer's orders out of one's own history", async () => {
    const history = await api.request<{ items: { orderId: string }[] }>('GET', '/v1/me/orders', {
      token: shop.bob.token,
      headers: { 'X-Min-Position': shop.position },
    });
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([]);
    const own = await api.request<{ items: { orderId: string }[] }>('GET', '/v1/me/orders', {
      token: shop.alice.token,
      headers: { 'X-Min-Position': shop.position },
    });
    expect(own.body.items.map((o) => o.orderId)).toEqual([shop.aliceOrderId]);
  });

  it("never replays another caller's answer for the same Idempotency-Key", async () => {
    const key = `shared-${uuidv7()}`;
    const headers = { 'Idempotency-Key': key };
    const alices = await api.request('POST', '/v1/carts', {
      token: shop.alice.token,
      body: {},
      headers,
    });
    const bobs = await api.request('POST', '/v1/carts', {
      token: shop.bob.token,
      body: {},
      headers,
    });
    expect([alices.status, bobs.status]).toEqual([201, 201]);
    expect(bobs.body.cartId).not.toBe(alices.body.cartId);
    expectProblem(await bobAsks('GET', `/v1/carts/${String(alices.body.cartId)}`), 404);
  });

  it("shows an unknown subject's valid token nobody's resources", async () => {
    const stranger = await signToken({ sub: uuidv7(), roles: ['customer'] });
    const ask = (url: string) => api.request('GET', url, { token: stranger });
    expect((await ask('/v1/me')).status).not.toBe(200);
    expectProblem(await ask(`/v1/orders/${shop.aliceOrderId}`), 404);
    expectProblem(await ask(`/v1/carts/${shop.aliceCartId}`), 404);
    const history = await api.request<{ items: unknown[] }>('GET', '/v1/me/orders', {
      token: stranger,
      headers: { 'X-Min-Position': shop.position },
    });
    expect(history.body.items).toEqual([]);
  });
});
