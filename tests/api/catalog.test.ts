import { inventoryAggregate } from '../../src/commands/inventory.js';
import { uniqueClaimAggregate, uniqueStream } from '../../src/commands/unique-claim.js';
import { inventoryStream } from '../../src/events/inventory.js';
import { claimUnique } from '../../src/api/routes/catalog-routes.js';
import { startApi, type Api, type ApiResponse } from '../support/api-harness.js';

type Body = Record<string, unknown>;
const fieldPaths = (res: ApiResponse) =>
  ((res.body.errors ?? []) as { path: string }[]).map((e) => e.path);

describe('catalog and inventory API', () => {
  let api: Api;
  let admin: string;
  let customer: string;
  let skuCounter = 0;
  const newSku = () => `SKU-${Date.now()}-${skuCounter++}`;
  const product = (overrides: Body = {}): Body => ({
    sku: newSku(),
    name: 'Laptop',
    description: 'A light laptop',
    category: 'computers',
    price: { amount: 99_900, currency: 'EUR' },
    attributes: { colour: 'silver' },
    ...overrides,
  });
  const create = (body: Body = product(), headers?: Record<string, string>) =>
    api.request('POST', '/v1/products', { body, token: admin, ...(headers ? { headers } : {}) });
  async function createdId(body: Body = product()): Promise<string> {
    const res = await create(body);
    expect(res.status).toBe(201);
    return String(res.body.productId);
  }
  const productsWithSku = async (sku: string) =>
    (await api.engine.eventStore.readAll({ filter: { eventTypes: ['ProductCreated'] } })).filter(
      (e) => (e.data as { sku: string }).sku.toUpperCase() === sku.toUpperCase(),
    );

  beforeAll(async () => {
    api = await startApi();
    admin = await api.adminToken();
    customer = (await api.customer()).token;
  });
  afterAll(() => api.stop());

  describe('products', () => {
    it('creates a product and answers its id, position, X-Position and ETag', async () => {
      const res = await create();
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ productId: expect.any(String), position: expect.any(String) });
      expect(res.headers.get('x-position')).toBe(res.body.position);
      expect(res.headers.get('etag')).toBe('"0"');
    });

    it('answers each invalid field with a 400 naming it, and writes nothing', async () => {
      const before = await api.engine.eventStore.headPosition();
      const res = await create({
        sku: 'has space',
        name: '',
        category: 7,
        price: { amount: -1, currency: 'euro' },
        attributes: { colour: 3 },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      expect(fieldPaths(res)).toEqual(
        expect.arrayContaining([
          'body.sku',
          'body.name',
          'body.description',
          'body.category',
          'body.price.amount',
          'body.price.currency',
          'body.attributes.colour',
        ]),
      );
      const unknown = await create(product({ stock: 5 }));
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.body.errors)).toContain('stock');
      expect(await api.engine.eventStore.headPosition()).toBe(before);
    });

    it('needs a token (401) and the admin role (403), and writes nothing', async () => {
      const id = await createdId();
      const before = await api.engine.eventStore.headPosition();
      const anonymous = await api.request('POST', '/v1/products', { body: product() });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      const forbidden = await api.request('POST', '/v1/products', {
        body: product(),
        token: customer,
      });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN' });
      const routes: [string, string, Body | undefined][] = [
        ['PATCH', `/v1/products/${id}`, { name: 'x' }],
        ['POST', `/v1/products/${id}/price`, { price: { amount: 1, currency: 'EUR' } }],
        ['POST', `/v1/products/${id}/discontinue`, undefined],
        ['POST', `/v1/inventory/${id}/receive`, { quantity: 1 }],
        ['POST', `/v1/inventory/${id}/adjust`, { delta: 1, reason: 'count' }],
        ['GET', `/v1/inventory/${id}`, undefined],
      ];
      for (const [method, url, body] of routes) {
        expect((await api.request(method, url, { body })).status).toBe(401);
        expect((await api.request(method, url, { body, token: customer })).status).toBe(403);
      }
      expect(await api.engine.eventStore.headPosition()).toBe(before);
    });

    it('refuses a taken SKU, whatever its case, with 409 SKU_TAKEN', async () => {
      const sku = newSku();
      await createdId(product({ sku }));
      const before = await api.engine.eventStore.headPosition();
      const again = await create(product({ sku: sku.toLowerCase(), name: 'Other' }));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'SKU_TAKEN', status: 409 });
      expect(await api.engine.eventStore.headPosition()).toBe(before);
    });

    it('lets exactly one of 20 concurrent creates of one SKU win', async () => {
      const sku = newSku();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => create(product({ sku, name: `Racer ${i}` }))),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body).toMatchObject({ code: 'SKU_TAKEN' });
      }
      expect(await productsWithSku(sku)).toHaveLength(1);
    });

    it('completes a SKU claim whose product was never created (a crash between the two)', async () => {
      const sku = newSku();
      await api.engine.handler.handle(
        uniqueClaimAggregate,
        uniqueStream('sku', sku.toUpperCase()),
        {
          type: 'Claim',
          kind: 'sku',
          value: sku,
          ownerId: 'orphan-product',
          takenCode: 'SKU_TAKEN',
        },
        { actor: 'test' },
      );
      const res = await create(product({ sku }));
      expect(res.status).toBe(201);
      expect(res.body.productId).toBe('orphan-product');
      expect((await create(product({ sku }))).status).toBe(409);
    });

    it('treats a claim already held by the same owner id (a keyed repeat) as its own', async () => {
      const claim = (ownerId: string) =>
        claimUnique(
          api.engine,
          {
            kind: 'sku',
            value: 'OWN-CLAIM',
            takenCode: 'SKU_TAKEN',
            newOwnerId: ownerId,
            ownerExists: async () => true,
          },
          { actor: 'test' },
        );
      expect(await claim('owner-1')).toBe('owner-1');
      expect(await claim('owner-1')).toBe('owner-1');
      await expect(claim('owner-2')).rejects.toMatchObject({ code: 'SKU_TAKEN' });
    });

    it('replays a create with the same Idempotency-Key: same id, one product', async () => {
      const body = product();
      const headers = { 'Idempotency-Key': `create-${body.sku as string}` };
      const first = await create(body, headers);
      const second = await create(body, headers);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(await productsWithSku(String(body.sku))).toHaveLength(1);
      const other = await create({ ...body, name: 'Changed' }, headers);
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('updates, reprices and discontinues with revisions, ETags and positions', async () => {
      const id = await createdId();
      const patch = await api.request('PATCH', `/v1/products/${id}`, {
        body: { name: 'Laptop Pro', attributes: { colour: 'black' } },
        token: admin,
      });
      expect(patch.status).toBe(200);
      expect(patch.body).toEqual({ productId: id, revision: 1, position: expect.any(String) });
      expect(patch.headers.get('etag')).toBe('"1"');
      expect(patch.headers.get('x-position')).toBe(patch.body.position);

      const same = await api.request('PATCH', `/v1/products/${id}`, {
        body: { name: 'Laptop Pro' },
        token: admin,
      });
      expect(same.status).toBe(200);
      expect(same.body).toEqual({ productId: id, revision: 1, position: patch.body.position });

      const price = await api.request('POST', `/v1/products/${id}/price`, {
        body: { price: { amount: 89_900, currency: 'EUR' } },
        token: admin,
      });
      expect(price.status).toBe(200);
      expect(price.body).toMatchObject({ productId: id, revision: 2 });
      expect(price.headers.get('x-position')).toBe(price.body.position);

      const stop = await api.request('POST', `/v1/products/${id}/discontinue`, { token: admin });
      expect(stop.status).toBe(200);
      expect(stop.body).toMatchObject({ productId: id, revision: 3 });
      expect(stop.headers.get('etag')).toBe('"3"');

      const events = await api.engine.eventStore.readStream(`product-${id}`);
      expect(events.map((e) => e.type)).toEqual([
        'ProductCreated',
        'ProductUpdated',
        'PriceChanged',
        'ProductDiscontinued',
      ]);
      expect(events[1]?.data).toEqual({
        productId: id,
        name: 'Laptop Pro',
        attributes: { colour: 'black' },
      });
    });

    it('refuses changes to a discontinued product with 409 INVALID_TRANSITION', async () => {
      const id = await createdId();
      await api.request('POST', `/v1/products/${id}/discontinue`, { token: admin });
      const before = await api.engine.eventStore.headPosition();
      for (const [url, method, body] of [
        [`/v1/products/${id}`, 'PATCH', { name: 'x' }],
        [`/v1/products/${id}/price`, 'POST', { price: { amount: 1, currency: 'EUR' } }],
        [`/v1/products/${id}/discontinue`, 'POST', undefined],
      ] as const) {
        const res = await api.request(method, url, { body, token: admin });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ code: 'INVALID_TRANSITION' });
      }
      expect(await api.engine.eventStore.headPosition()).toBe(before);
    });

    it('answers bad product commands with 400 and unknown products with 404', async () => {
      const id = await createdId();
      const before = await api.engine.eventStore.headPosition();
      const empty = await api.request('PATCH', `/v1/products/${id}`, { body: {}, token: admin });
      expect(empty.status).toBe(400);
      const stray = await api.request('PATCH', `/v1/products/${id}`, {
        body: { name: 'ok', sku: 'NEW' },
        token: admin,
      });
      expect(stray.status).toBe(400);
      expect(JSON.stringify(stray.body.errors)).toContain('sku');
      const badPrice = await api.request('POST', `/v1/products/${id}/price`, {
        body: { price: { amount: 1.5, currency: 'EUR' } },
        token: admin,
      });
      expect(badPrice.status).toBe(400);
      expect(fieldPaths(badPrice)).toEqual(['body.price.amount']);
      const discontinueBody = await api.request('POST', `/v1/products/${id}/discontinue`, {
        body: { reason: 'x' },
        token: admin,
      });
      expect(discontinueBody.status).toBe(400);
      const badId = await api.request('PATCH', '/v1/products/no%20such', {
        body: { name: 'x' },
        token: admin,
      });
      expect(badId.status).toBe(400);
      expect(fieldPaths(badId)).toEqual(['params.id']);
      for (const [method, url, body] of [
        ['PATCH', '/v1/products/unknown-id', { name: 'x' }],
        ['POST', '/v1/products/unknown-id/price', { price: { amount: 1, currency: 'EUR' } }],
        ['POST', '/v1/products/unknown-id/discontinue', undefined],
      ] as const) {
        const res = await api.request(method, url, {
          body,
          token: admin,
          headers: { 'If-Match': '"0"' },
        });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      }
      expect(await api.engine.eventStore.headPosition()).toBe(before);
    });

    it('checks If-Match on product commands (412 on mismatch, 400 when malformed)', async () => {
      const id = await createdId();
      const before = await api.engine.eventStore.headPosition();
      const stale = await api.request('PATCH', `/v1/products/${id}`, {
        body: { name: 'x' },
        token: admin,
        headers: { 'If-Match': '"3"' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', revision: 0 });
      const malformed = await api.request('POST', `/v1/products/${id}/discontinue`, {
        token: admin,
        headers: { 'If-Match': 'yesterday' },
      });
      expect(malformed.status).toBe(400);
      for (const [url, body] of [
        [`/v1/products/${id}/price`, { price: { amount: 5, currency: 'EUR' } }],
        [`/v1/products/${id}/discontinue`, undefined],
      ] as const) {
        const res = await api.request('POST', url, {
          body,
          token: admin,
          headers: { 'If-Match': '"7"' },
        });
        expect(res.status).toBe(412);
      }
      expect(await api.engine.eventStore.headPosition()).toBe(before);
      const fresh = await api.request('PATCH', `/v1/products/${id}`, {
        body: { name: 'x' },
        token: admin,
        headers: { 'If-Match': '"0"' },
      });
      expect(fresh.status).toBe(200);
      const next = await api.request('POST', `/v1/products/${id}/price`, {
        body: { price: { amount: 5, currency: 'EUR' } },
        token: admin,
        headers: { 'If-Match': fresh.headers.get('etag') ?? '' },
      });
      expect(next.status).toBe(200);
      expect(next.headers.get('etag')).toBe('"2"');
    });
  });

  describe('inventory', () => {
    const receive = (id: string, body: unknown, headers?: Record<string, string>) =>
      api.request('POST', `/v1/inventory/${id}/receive`, {
        body,
        token: admin,
        ...(headers ? { headers } : {}),
      });
    const adjust = (id: string, body: unknown, headers?: Record<string, string>) =>
      api.request('POST', `/v1/inventory/${id}/adjust`, {
        body,
        token: admin,
        ...(headers ? { headers } : {}),
      });
    const reserve = (productId: string, reservationId: string, quantity: number) =>
      api.engine.handler.handle(
        inventoryAggregate,
        inventoryStream(productId),
        {
          type: 'ReserveStock',
          productId,
          reservationId,
          quantity,
          expiresAt: '2999-01-01T00:00:00.000Z',
        },
        { actor: 'test' },
      );

    it('receives and adjusts stock and shows the levels with an ETag', async () => {
      const id = await createdId();
      const received = await receive(id, { quantity: 10 });
      expect(received.status).toBe(200);
      expect(received.body).toEqual({
        productId: id,
        onHand: 10,
        reserved: 0,
        available: 10,
        position: expect.any(String),
      });
      expect(received.headers.get('x-position')).toBe(received.body.position);
      expect(received.headers.get('etag')).toBe('"0"');

      const adjusted = await adjust(id, { delta: -3, reason: 'damaged' });
      expect(adjusted.status).toBe(200);
      expect(adjusted.body).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
      expect(adjusted.headers.get('etag')).toBe('"1"');

      const levels = await api.request('GET', `/v1/inventory/${id}`, { token: admin });
      expect(levels.status).toBe(200);
      expect(levels.body).toEqual({ productId: id, onHand: 7, reserved: 0, available: 7 });
      expect(levels.headers.get('etag')).toBe('"1"');
    });

    it('shows zero stock for a product never stocked', async () => {
      const id = await createdId();
      const levels = await api.request('GET', `/v1/inventory/${id}`, { token: admin });
      expect(levels.status).toBe(200);
      expect(levels.body).toEqual({ productId: id, onHand: 0, reserved: 0, available: 0 });
    });

    it('never adjusts below what is reserved (409 ADJUSTMENT_BELOW_RESERVED)', async () => {
      const id = await createdId();
      await receive(id, { quantity: 10 });
      await reserve(id, 'order-a', 6);
      const before = await api.engine.eventStore.headPosition();
      const below = await adjust(id, { delta: -5, reason: 'shrinkage' });
      expect(below.status).toBe(409);
      expect(below.body).toMatchObject({
        code: 'ADJUSTMENT_BELOW_RESERVED',
        onHand: 10,
        reserved: 6,
        delta: -5,
      });
      expect(await api.engine.eventStore.headPosition()).toBe(before);
      const toReserved = await adjust(id, { delta: -4, reason: 'shrinkage' });
      expect(toReserved.status).toBe(200);
      expect(toReserved.body).toMatchObject({ onHand: 6, reserved: 6, available: 0 });
      expect((await adjust(id, { delta: -1, reason: 'again' })).status).toBe(409);
    });

    it('answers bad stock commands with per-field 400s and writes nothing', async () => {
      const id = await createdId();
      const before = await api.engine.eventStore.headPosition();
      for (const quantity of [0, -1, 1.5, '3', 10_000_001]) {
        const res = await receive(id, { quantity });
        expect(res.status).toBe(400);
        expect(fieldPaths(res)).toEqual(['body.quantity']);
      }
      expect(fieldPaths(await receive(id, {}))).toEqual(['body.quantity']);
      const zero = await adjust(id, { delta: 0, reason: 'nothing' });
      expect(zero.status).toBe(400);
      expect(fieldPaths(zero)).toEqual(['body.delta']);
      const noReason = await adjust(id, { delta: 2 });
      expect(noReason.status).toBe(400);
      expect(fieldPaths(noReason)).toEqual(['body.reason']);
      const stray = await receive(id, { quantity: 1, reason: 'extra' });
      expect(stray.status).toBe(400);
      expect(JSON.stringify(stray.body.errors)).toContain('reason');
      expect(await api.engine.eventStore.headPosition()).toBe(before);
    });

    it('answers 404 for an unknown product and writes nothing', async () => {
      const before = await api.engine.eventStore.headPosition();
      for (const res of [
        await receive('no-such-product', { quantity: 1 }),
        await adjust('no-such-product', { delta: 1, reason: 'found' }),
        await api.request('GET', '/v1/inventory/no-such-product', { token: admin }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      }
      expect(await api.engine.eventStore.headPosition()).toBe(before);
    });

    it('checks If-Match against the inventory revision', async () => {
      const id = await createdId();
      await receive(id, { quantity: 5 });
      const levels = await api.request('GET', `/v1/inventory/${id}`, { token: admin });
      const etag = levels.headers.get('etag') ?? '';
      expect(etag).toBe('"0"');
      await reserve(id, 'order-b', 2);
      const before = await api.engine.eventStore.headPosition();
      const stale = await adjust(id, { delta: -1, reason: 'count' }, { 'If-Match': etag });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', revision: 1 });
      expect((await receive(id, { quantity: 1 }, { 'If-Match': etag })).status).toBe(412);
      expect(await api.engine.eventStore.headPosition()).toBe(before);
      const current = await receive(id, { quantity: 1 }, { 'If-Match': '"1"' });
      expect(current.status).toBe(200);
      expect(current.body).toMatchObject({ onHand: 6, reserved: 2, available: 4 });
      expect(current.headers.get('etag')).toBe('"2"');
    });

    it('replays a receive with the same Idempotency-Key once', async () => {
      const id = await createdId();
      const headers = { 'Idempotency-Key': `receive-${id}` };
      const first = await receive(id, { quantity: 4 }, headers);
      const second = await receive(id, { quantity: 4 }, headers);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      const levels = await api.request('GET', `/v1/inventory/${id}`, { token: admin });
      expect(levels.body).toMatchObject({ onHand: 4 });
    });

    it('refuses a malformed X-Min-Position on the stock query', async () => {
      const id = await createdId();
      const bad = await api.request('GET', `/v1/inventory/${id}`, {
        token: admin,
        headers: { 'X-Min-Position': 'soon' },
      });
      expect(bad.status).toBe(400);
      const received = await receive(id, { quantity: 1 });
      const good = await api.request('GET', `/v1/inventory/${id}`, {
        token: admin,
        headers: { 'X-Min-Position': String(received.body.position) },
      });
      expect(good.status).toBe(200);
      expect(good.body).toMatchObject({ onHand: 1 });
    });
  });

  it('lists the catalog and inventory routes in the OpenAPI document', async () => {
    const doc = await api.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/v1/openapi.json',
    );
    expect(doc.status).toBe(200);
    const { paths } = doc.body;
    expect(Object.keys(paths['/v1/products'] ?? {})).toEqual(['post']);
    expect(Object.keys(paths['/v1/products/{id}'] ?? {})).toEqual(['patch']);
    expect(paths['/v1/products/{id}/price']).toHaveProperty('post');
    expect(paths['/v1/products/{id}/discontinue']).toHaveProperty('post');
    expect(paths['/v1/inventory/{productId}/receive']).toHaveProperty('post');
    expect(paths['/v1/inventory/{productId}/adjust']).toHaveProperty('post');
    expect(paths['/v1/inventory/{productId}']).toHaveProperty('get');
    expect(paths['/v1/products']?.post).toMatchObject({ 'x-roles': ['admin'] });
  });
});
