import { startApi, type Api } from '../support/api-harness.js';
import { confirmedOrder, createProduct, settleOrder, writesSince } from '../support/order-api.js';

describe('reviews API', () => {
  let api: Api;
  let admin: string;
  beforeAll(async () => {
    api = await startApi();
    admin = await api.adminToken();
  });
  afterAll(() => api.stop());

  const review = { rating: 5, title: 'Great', body: 'Does what it says.' };
  const submit = (productId: string, token: string, body: unknown = review) =>
    api.request('POST', `/v1/products/${productId}/reviews`, { token, body });
  const orderAction = (orderId: string, action: string, body?: unknown) =>
    api.request('POST', `/v1/orders/${orderId}/${action}`, { token: admin, body });

  it('lets a customer review a product once, after an order of it was delivered', async () => {
    const productId = await createProduct(api, { stock: 5 });
    const other = await createProduct(api, { stock: 5 });
    const { token } = await api.customer();
    const before = await api.engine.eventStore.headPosition();
    const early = await submit(productId, token);
    expect(early.status).toBe(403);
    expect(early.body).toMatchObject({ code: 'REVIEW_NOT_ALLOWED' });
    expect(await writesSince(api, before)).toEqual([]);

    const orderId = await confirmedOrder(api, token, [{ productId, quantity: 1 }]);
    expect((await submit(productId, token)).body).toMatchObject({ code: 'REVIEW_NOT_ALLOWED' });
    await orderAction(orderId, 'ship', { carrier: 'DHL', trackingNumber: 'T1' });
    expect((await submit(productId, token)).status).toBe(403);
    const delivered = await orderAction(orderId, 'deliver');
    expect(delivered.body).toMatchObject({ status: 'delivered' });
    await settleOrder(api, orderId);

    const res = await submit(productId, token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reviewId: expect.any(String), position: expect.any(String) });
    expect(res.headers.get('x-position')).toBe(res.body.position);
    const [event] = await api.engine.eventStore.readAll({
      fromPosition: before ?? '0',
      filter: { eventTypes: ['ReviewSubmitted'] },
    });
    expect(event?.data).toMatchObject({ productId, rating: 5, title: 'Great' });

    const mark = await api.engine.eventStore.headPosition();
    const twice = await submit(productId, token, { rating: 1, body: 'Changed my mind' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'ALREADY_REVIEWED' });
    expect((await submit(other, token)).body).toMatchObject({ code: 'REVIEW_NOT_ALLOWED' });
    expect(await writesSince(api, mark)).toEqual([]);
  });

  it('validates the review and its caller', async () => {
    const productId = await createProduct(api);
    const { token } = await api.customer();
    const before = await api.engine.eventStore.headPosition();
    const bad = await submit(productId, token, { rating: 6, body: '', customerId: 'x' });
    expect(bad.status).toBe(400);
    const problems = JSON.stringify(bad.body.errors);
    expect(problems).toContain('body.rating');
    expect(problems).toContain('body.body');
    expect(problems).toContain('customerId');
    expect((await submit('no-such-product', token)).status).toBe(404);
    expect((await submit(productId, admin)).status).toBe(403);
    expect(
      (await api.request('POST', `/v1/products/${productId}/reviews`, { body: review })).status,
    ).toBe(401);
    expect(await writesSince(api, before)).toEqual([]);
  });
});
