import {
  evolveInventory,
  emptyInventory,
  type InventoryState,
} from '../../src/commands/inventory.js';
import { promotionAggregate } from '../../src/commands/promotion.js';
import type { InventoryEvent } from '../../src/events/inventory.js';
import { inventoryStream } from '../../src/events/inventory.js';
import { orderStream } from '../../src/events/order.js';
import { promotionStream } from '../../src/events/promotion.js';
import type { PaymentGateway } from '../../src/processes/payment-gateway.js';
import { startApi, type Api, type ApiResponse } from '../support/api-harness.js';
import {
  confirmedOrder,
  createCoupon,
  createProduct,
  discontinue,
  orderState,
  placeOrder,
  settleOrder,
  stockOf,
  writesSince,
} from '../support/order-api.js';

const fieldPaths = (res: ApiResponse) =>
  ((res.body.errors ?? []) as { path: string; message: string }[]).map(
    (e) => `${e.path} ${e.message}`,
  );

describe('orders API', () => {
  let api: Api;
  let admin: string;
  let customer: { customerId: string; token: string };
  beforeAll(async () => {
    api = await startApi();
    admin = await api.adminToken();
    customer = await api.customer();
  });
  afterAll(() => api.stop());

  /** The final status and reason of every answered order, once fulfilment has settled. */
  async function outcomes(answers: readonly ApiResponse[]) {
    return Promise.all(
      answers.map(async (res) => {
        expect([201, 202]).toContain(res.status);
        const orderId = String(res.body.orderId);
        await settleOrder(api, orderId);
        const order = await orderState(api, orderId);
        return { status: order?.status, reason: order?.reason, discount: order?.totals.discount };
      }),
    );
  }

  it('places an order, waits for the decision and answers 201 with totals and position', async () => {
    const productId = await createProduct(api, { price: 2500, stock: 5 });
    const res = await placeOrder(api, customer.token, {
      lines: [
        { productId, quantity: 1 },
        { productId, quantity: 1 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      orderId: expect.any(String),
      status: 'confirmed',
      totals: {
        subtotal: { amount: 5000, currency: 'EUR' },
        discount: { amount: 0, currency: 'EUR' },
        total: { amount: 5000, currency: 'EUR' },
      },
      position: expect.any(String),
    });
    expect(res.headers.get('x-position')).toBe(res.body.position);

    const got = await api.request('GET', `/v1/orders/${String(res.body.orderId)}`, {
      token: customer.token,
    });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      orderId: res.body.orderId,
      customerId: customer.customerId,
      status: 'confirmed',
      lines: [{ productId, quantity: 2, unitPrice: { amount: 2500, currency: 'EUR' } }],
      totals: { total: { amount: 5000, currency: 'EUR' } },
      partiallyRefunded: false,
    });
    expect(JSON.stringify(got.body)).not.toContain('tok_visa');
    const timeline = got.body.timeline as { type: string; at: string }[];
    expect(timeline.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderConfirmed']);
    expect(timeline.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(got.headers.get('etag')).toBe('"1"');
    const waited = await api.request('GET', `/v1/orders/${String(res.body.orderId)}`, {
      token: customer.token,
      headers: { 'X-Min-Position': String(res.body.position) },
    });
    expect(waited.status).toBe(200);
    const malformed = await api.request('GET', `/v1/orders/${String(res.body.orderId)}`, {
      token: customer.token,
      headers: { 'X-Min-Position': 'soon' },
    });
    expect(malformed.status).toBe(400);
  });

  it('sells exactly the stock to 200 concurrent orders; available never goes below zero', async () => {
    const productId = await createProduct(api, { stock: 50 });
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        placeOrder(api, customer.token, { lines: [{ productId, quantity: 1 }] }),
      ),
    );
    const results = await outcomes(answers);
    expect(results.filter((r) => r.status === 'confirmed')).toHaveLength(50);
    expect(
      results.filter((r) => r.status === 'rejected' && r.reason === 'OUT_OF_STOCK'),
    ).toHaveLength(150);
    expect(await stockOf(api, productId)).toEqual({ onHand: 0, reserved: 0, available: 0 });

    let state: InventoryState = emptyInventory;
    const events = await api.engine.eventStore.readStream(inventoryStream(productId), {
      limit: 10_000,
    });
    for (const event of events) {
      state = evolveInventory(state, event as unknown as InventoryEvent);
      expect(state.onHand - state.reserved).toBeGreaterThanOrEqual(0);
    }
  });

  it('discounts exactly maxRedemptions of 100 concurrent orders using one coupon', async () => {
    const productId = await createProduct(api, { price: 1000, stock: 1000 });
    const { code, promotionId } = await createCoupon(api, {
      kind: 'percent',
      value: 20,
      maxRedemptions: 10,
    });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        placeOrder(api, customer.token, {
          lines: [{ productId, quantity: 1 }],
          couponCode: code.toLowerCase(),
        }),
      ),
    );
    expect(answers[0]?.body.totals).toMatchObject({ discount: { amount: 200 } });
    const results = await outcomes(answers);
    const confirmed = results.filter((r) => r.status === 'confirmed');
    expect(confirmed).toHaveLength(10);
    expect(confirmed.every((r) => r.discount?.amount === 200)).toBe(true);
    expect(results.filter((r) => r.reason === 'COUPON_EXHAUSTED')).toHaveLength(90);
    const { state } = await api.engine.handler.load(
      promotionAggregate,
      promotionStream(promotionId),
    );
    expect(state).toMatchObject({ activeRedemptions: 10 });
    expect(await stockOf(api, productId)).toEqual({ onHand: 990, reserved: 0, available: 990 });
  });

  it('places one order for 20 concurrent repeats of an Idempotency-Key; another body -> 422', async () => {
    const productId = await createProduct(api, { stock: 10 });
    const body = { lines: [{ productId, quantity: 1 }] };
    const headers = { 'Idempotency-Key': `order-${productId}` };
    const before = await api.engine.eventStore.listStreams({ prefix: 'order-', limit: 10_000 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => placeOrder(api, customer.token, body, headers)),
    );
    const first = answers[0];
    expect(first?.status).toBe(201);
    for (const res of answers) {
      expect(res.status).toBe(first?.status);
      expect(res.body).toEqual(first?.body);
    }
    const after = await api.engine.eventStore.listStreams({ prefix: 'order-', limit: 10_000 });
    expect(after.length - before.length).toBe(1);
    expect(await stockOf(api, productId)).toMatchObject({ onHand: 9 });

    const other = await placeOrder(
      api,
      customer.token,
      { lines: [{ productId, quantity: 2 }] },
      headers,
    );
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('rejects a declined card with PAYMENT_DECLINED and returns the stock', async () => {
    const productId = await createProduct(api, { stock: 3 });
    const res = await placeOrder(api, customer.token, {
      lines: [{ productId, quantity: 3 }],
      payment: { method: 'card', token: 'tok_declined' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'rejected', reason: 'PAYMENT_DECLINED' });
    await settleOrder(api, String(res.body.orderId));
    expect(await stockOf(api, productId)).toEqual({ onHand: 3, reserved: 0, available: 3 });
  });

  it('rejects a card that never answers with PAYMENT_TIMEOUT and releases the stock', async () => {
    const productId = await createProduct(api, { stock: 2 });
    const res = await placeOrder(api, customer.token, {
      lines: [{ productId, quantity: 2 }],
      payment: { method: 'card', token: 'tok_timeout' },
    });
    expect([201, 202]).toContain(res.status);
    if (res.status === 201) expect(res.body).toMatchObject({ reason: 'PAYMENT_TIMEOUT' });
    else expect(res.body).toMatchObject({ status: 'pending' });
    await settleOrder(api, String(res.body.orderId));
    expect(await orderState(api, String(res.body.orderId))).toMatchObject({
      status: 'rejected',
      reason: 'PAYMENT_TIMEOUT',
    });
    expect(await stockOf(api, productId)).toEqual({ onHand: 2, reserved: 0, available: 2 });
  });

  it('refuses what can be refused before writing anything, with 4xx and no event', async () => {
    const eur = await createProduct(api, { stock: 5 });
    const usd = await createProduct(api, { stock: 5, currency: 'USD' });
    const gone = await createProduct(api, { stock: 5 });
    await discontinue(api, gone);
    const now = Date.now();
    const expired = await createCoupon(api, {
      kind: 'percent',
      value: 10,
      startsAt: new Date(now - 2 * 86_400_000).toISOString(),
      endsAt: new Date(now - 86_400_000).toISOString(),
    });
    const early = await createCoupon(api, {
      kind: 'percent',
      value: 10,
      startsAt: new Date(now + 86_400_000).toISOString(),
    });
    const minimum = await createCoupon(api, {
      kind: 'fixed',
      value: 500,
      currency: 'EUR',
      minSubtotal: { amount: 5000, currency: 'EUR' },
    });
    const line = { productId: eur, quantity: 1 };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ lines: [{ productId: 'no-such-product', quantity: 1 }] }, 409, 'UNKNOWN_PRODUCT'],
      [{ lines: [line, { productId: gone, quantity: 1 }] }, 409, 'PRODUCT_DISCONTINUED'],
      [{ lines: [line], couponCode: 'NO-SUCH-CODE' }, 409, 'INVALID_COUPON'],
      [{ lines: [line], couponCode: expired.code }, 409, 'INVALID_COUPON'],
      [{ lines: [line], couponCode: early.code }, 409, 'INVALID_COUPON'],
      [{ lines: [line], couponCode: minimum.code }, 409, 'INVALID_COUPON'],
      [{ lines: [line, { productId: usd, quantity: 1 }] }, 400, 'MIXED_CURRENCIES'],
      [{ lines: [] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ productId: eur, quantity: 0 }] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [line], payment: { method: 'cash', token: 'x' } }, 400, 'VALIDATION_FAILED'],
    ];
    const before = await api.engine.eventStore.headPosition();
    for (const [body, status, code] of cases) {
      const res = await placeOrder(api, customer.token, body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect(await writesSince(api, before)).toEqual([]);
  });

  it('refuses unknown fields such as customerId or status with a 400 naming them', async () => {
    const productId = await createProduct(api, { stock: 5 });
    const before = await api.engine.eventStore.headPosition();
    const res = await placeOrder(api, customer.token, {
      lines: [{ productId, quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }],
      customerId: 'someone-else',
      status: 'confirmed',
    });
    expect(res.status).toBe(400);
    expect(fieldPaths(res)).toEqual(
      expect.arrayContaining([
        'body.customerId Unknown field',
        'body.status Unknown field',
        'body.lines.0.unitPrice Unknown field',
      ]),
    );
    expect(await writesSince(api, before)).toEqual([]);
  });

  it('enforces access: 401 without a token, 403 for the wrong role, 404 for another customer', async () => {
    const productId = await createProduct(api, { stock: 5 });
    const orderId = await confirmedOrder(api, customer.token, [{ productId, quantity: 1 }]);
    const stranger = await api.customer('Stranger');
    const before = await api.engine.eventStore.headPosition();

    expect((await api.request('GET', `/v1/orders/${orderId}`)).status).toBe(401);
    expect((await api.request('POST', '/v1/orders', { body: { lines: [] } })).status).toBe(401);
    const foreign = await api.request('GET', `/v1/orders/${orderId}`, { token: stranger.token });
    expect(foreign.status).toBe(404);
    const missing = await api.request('GET', '/v1/orders/no-such-order', {
      token: customer.token,
    });
    expect(missing.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'NOT_FOUND' });
    const foreignCancel = await api.request('POST', `/v1/orders/${orderId}/cancel`, {
      token: stranger.token,
      body: {},
    });
    expect(foreignCancel.status).toBe(404);
    const ship = await api.request('POST', `/v1/orders/${orderId}/ship`, {
      token: customer.token,
      body: { carrier: 'DHL', trackingNumber: 'T1' },
    });
    expect(ship.status).toBe(403);
    const refund = await api.request('POST', `/v1/orders/${orderId}/refund`, {
      token: customer.token,
      body: { amount: 1, reason: 'greed' },
    });
    expect(refund.status).toBe(403);
    const staffOrder = await placeOrder(api, admin, { lines: [{ productId, quantity: 1 }] });
    expect(staffOrder.status).toBe(403);
    expect(await writesSince(api, before)).toEqual([]);

    const asStaff = await api.request('GET', `/v1/orders/${orderId}`, { token: admin });
    expect(asStaff.status).toBe(200);
  });

  it('ships, delivers and refunds partly then fully; never more than captured', async () => {
    const productId = await createProduct(api, { price: 1000, stock: 5 });
    const orderId = await confirmedOrder(api, customer.token, [{ productId, quantity: 3 }]);
    const post = (action: string, body: unknown, headers?: Record<string, string>) =>
      api.request('POST', `/v1/orders/${orderId}/${action}`, {
        token: admin,
        body,
        ...(headers ? { headers } : {}),
      });

    const stale = await post(
      'ship',
      { carrier: 'DHL', trackingNumber: 'T1' },
      { 'If-Match': '"0"' },
    );
    expect(stale.status).toBe(412);
    const shipped = await post(
      'ship',
      { carrier: 'DHL', trackingNumber: 'T1' },
      { 'If-Match': '"1"' },
    );
    expect(shipped.status).toBe(200);
    expect(shipped.body).toEqual({ orderId, status: 'shipped', position: expect.any(String) });
    expect(shipped.headers.get('x-position')).toBe(shipped.body.position);
    expect(shipped.headers.get('etag')).toBe('"2"');

    const delivered = await post('deliver', undefined);
    expect(delivered.body).toMatchObject({ orderId, status: 'delivered' });

    const partial = await post('refund', { amount: 1000, reason: 'scratched' });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      orderId,
      status: 'delivered',
      partiallyRefunded: true,
      refundId: expect.any(String),
      position: expect.any(String),
    });
    await settleOrder(api, orderId);
    const before = await api.engine.eventStore.headPosition();
    const tooMuch = await post('refund', { amount: 2001, reason: 'more' });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 'REFUND_EXCEEDS_CAPTURED' });
    expect(await writesSince(api, before)).toEqual([]);

    const rest = await post('refund', { amount: 2000, reason: 'returned' });
    expect(rest.body).toMatchObject({ status: 'refunded', partiallyRefunded: false });
    expect((await post('refund', { amount: 1, reason: 'again' })).status).toBe(409);

    await settleOrder(api, orderId);
    const got = await api.request('GET', `/v1/orders/${orderId}`, { token: customer.token });
    expect((got.body.timeline as { type: string }[]).map((e) => e.type)).toEqual([
      'OrderPlaced',
      'OrderConfirmed',
      'OrderShipped',
      'OrderDelivered',
      'OrderRefunded',
      'OrderRefunded',
    ]);
    expect(got.body).toMatchObject({ status: 'refunded', refunded: { amount: 3000 } });
  });

  it('lets the owner cancel before shipment only; an admin may cancel a shipped order', async () => {
    const productId = await createProduct(api, { stock: 4 });
    const early = await confirmedOrder(api, customer.token, [{ productId, quantity: 2 }]);
    const cancel = (
      orderId: string,
      token: string,
      body: unknown = { reason: 'changed my mind' },
    ) => api.request('POST', `/v1/orders/${orderId}/cancel`, { token, body });

    const cancelled = await cancel(early, customer.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({
      orderId: early,
      status: 'cancelled',
      position: expect.any(String),
    });
    await settleOrder(api, early);
    expect(await stockOf(api, productId)).toEqual({ onHand: 4, reserved: 0, available: 4 });

    const late = await confirmedOrder(api, customer.token, [{ productId, quantity: 1 }]);
    await api.request('POST', `/v1/orders/${late}/ship`, {
      token: admin,
      body: { carrier: 'UPS', trackingNumber: 'U1' },
    });
    await settleOrder(api, late);
    const before = await api.engine.eventStore.headPosition();
    const refused = await cancel(late, customer.token);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await writesSince(api, before)).toEqual([]);
    const byAdmin = await cancel(late, admin, {});
    expect(byAdmin.body).toMatchObject({ status: 'cancelled' });
    await settleOrder(api, late);
    const got = await api.request('GET', `/v1/orders/${late}`, { token: customer.token });
    expect(got.body).toMatchObject({ status: 'cancelled', cancellation: { by: 'admin' } });
    expect(await stockOf(api, productId)).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });
});

describe('orders API when the decision takes longer than the wait', () => {
  let api: Api;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const slowGateway: PaymentGateway = {
    async capture(request) {
      await held;
      return { kind: 'captured', gatewayRef: `ch_${request.idempotencyKey}` };
    },
    refund: async (request) => ({ gatewayRef: `re_${request.idempotencyKey}` }),
  };
  beforeAll(async () => {
    api = await startApi({
      env: { PAYMENT_TIMEOUT_MS: '60000' },
      overrides: { gateway: slowGateway },
    });
  });
  afterAll(async () => {
    release();
    await api.stop();
  });

  it('answers 202 pending with the OrderPlaced position, and the order goes on', async () => {
    const { token } = await api.customer();
    const productId = await createProduct(api, { stock: 1 });
    const res = await placeOrder(api, token, { lines: [{ productId, quantity: 1 }] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', totals: { total: { amount: 1000 } } });
    const orderId = String(res.body.orderId);
    const [placed] = await api.engine.eventStore.readStream(orderStream(orderId), { limit: 1 });
    expect(placed?.type).toBe('OrderPlaced');
    expect(res.body.position).toBe(placed?.position);
    expect(res.headers.get('x-position')).toBe(placed?.position);
    const got = await api.request('GET', `/v1/orders/${orderId}`, { token });
    expect(got.body).toMatchObject({ status: 'pending' });

    release();
    await settleOrder(api, orderId);
    expect(await orderState(api, orderId)).toMatchObject({ status: 'confirmed' });
  });
});
