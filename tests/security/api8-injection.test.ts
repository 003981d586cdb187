import type { Api } from '../support/api-harness.js';
import {
  expectProblem,
  openShop,
  startSecuredApi,
  type Json,
  type Shop,
} from './security-fixture.js';

/**
 * OWASP API8:2023 Security Misconfiguration, injection: MongoDB operators in
 * query strings and bodies, and analytics pipelines that write, run code or
 * reach collections other than the read models.
 */
describe('API8 injection', () => {
  let api: Api;
  let shop: Shop;
  let secondId: string;
  beforeAll(async () => {
    api = await startSecuredApi();
    shop = await openShop(api);
    const second = await api.request('POST', '/v1/products', {
      token: shop.admin,
      body: {
        sku: 'SEC-OTHER',
        name: 'Other desk',
        description: 'A wooden table',
        category: 'desks',
        price: { amount: 90_000, currency: 'EUR' },
      },
    });
    secondId = String(second.body.productId);
    await api.request('GET', `/v1/catalog/${secondId}`, {
      headers: { 'X-Min-Position': String(second.body.position) },
    });
  });
  afterAll(() => api.stop());

  describe('query strings', () => {
    it.each([
      '/v1/catalog?category[$ne]=x',
      '/v1/catalog?category[$regex]=.*',
      '/v1/catalog?minPrice[$gt]=0',
      '/v1/catalog?maxPrice[$lt]=999999999',
      '/v1/catalog?category=lamps&category[$ne]=x',
      '/v1/catalog?category=lamps&category=desks',
      '/v1/catalog?sort[$natural]=1',
      '/v1/catalog?inStock[$exists]=true',
      '/v1/search?q[$regex]=.*',
      '/v1/search?q[$ne]=',
      '/v1/search?category[$in][]=lamps&category[$in][]=desks',
      '/v1/search?minPrice[$gt]=0',
      '/v1/me/orders?limit[$gt]=0',
      '/v1/reports/sales?from[$gt]=&to=2030-01-01',
    ])('refuses %s with 400', async (url) => {
      const token = url.startsWith('/v1/me/') ? shop.alice.token : shop.admin;
      expectProblem(await api.request('GET', url, { token }), 400, 'VALIDATION_FAILED');
    });

    it('treats operator-looking text as plain text, never widening the result', async () => {
      // Punctuation is not a word (a blank query lists everything); next to a word it narrows nothing further.
      for (const q of ['{"$regex":".*"}', '.*', '$ne', '[$ne]', '{"$gt":""}', '$where']) {
        const res = await api.request<{ items: { productId: string }[] }>(
          'GET',
          `/v1/search?q=${encodeURIComponent(`${q} lamp`)}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.items.map((i) => i.productId)).not.toContain(secondId);
      }
      const category = await api.request<{ items: unknown[] }>(
        'GET',
        `/v1/catalog?category=${encodeURIComponent('{"$ne":"x"}')}`,
      );
      expect(category.status).toBe(200);
      expect(category.body.items).toEqual([]);
      // The control: both products are there to be found.
      const all = await api.request<{ items: unknown[] }>('GET', '/v1/catalog');
      expect(all.body.items).toHaveLength(2);
    });

    it('refuses operator-looking path ids', async () => {
      for (const id of ['{"$ne":null}', '$where', 'a b', '..%2F..%2Fetc']) {
        const res = await api.request('GET', `/v1/orders/${encodeURIComponent(id)}`, {
          token: shop.alice.token,
        });
        expect([400, 404]).toContain(res.status);
        expectProblem(res, res.status);
      }
    });
  });

  describe('bodies', () => {
    const login = (body: Json) => api.request('POST', '/v1/auth/login', { body });

    it.each<[string, Json]>([
      ['email $gt', { email: { $gt: '' }, password: 'password-123' }],
      ['email $ne', { email: { $ne: null }, password: 'password-123' }],
      ['email $regex', { email: { $regex: '.*' }, password: 'password-123' }],
      ['password $ne', { email: 'alice@example.com', password: { $ne: null } }],
      ['password $gt', { email: 'alice@example.com', password: { $gt: '' } }],
      ['password array', { email: 'alice@example.com', password: ['password-123'] }],
      ['password true', { email: 'alice@example.com', password: true }],
    ])('refuses a login with %s, never signing in', async (_name, body) => {
      const res = await login({
        ...body,
        email: body.email === 'alice@example.com' ? shop.alice.email : body.email,
      });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });

    it('refuses operators where the commands take values', async () => {
      const order = await api.request('POST', '/v1/orders', {
        token: shop.alice.token,
        body: {
          lines: [{ productId: { $ne: null }, quantity: 1 }],
          shippingAddress: {
            name: { $gt: '' },
            line1: 'x',
            city: 'y',
            postalCode: 'z',
            country: 'GB',
          },
          payment: { method: 'card', token: { $regex: '.*' } },
        },
      });
      expectProblem(order, 400);
      const cart = await api.request('POST', `/v1/carts/${shop.aliceCartId}/items`, {
        token: shop.alice.token,
        body: { productId: { $in: [shop.productId, secondId] }, quantity: 1 },
      });
      expectProblem(cart, 400);
      const register = await api.request('POST', '/v1/auth/register', {
        body: { email: { $gt: '' }, password: 'password-123', name: 'x' },
      });
      expectProblem(register, 400);
    });
  });

  describe('analytics pipelines', () => {
    const query = (pipeline: unknown, collection = 'catalog') =>
      api.request('POST', '/v1/analytics/query', {
        token: shop.admin,
        body: { collection, pipeline },
      });

    it('answers a read-only pipeline (the control)', async () => {
      const res = await query([{ $match: { category: 'lamps' } }, { $count: 'n' }]);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([{ n: 1 }]);
    });

    const refusedPipelines: [string, unknown[]][] = [
      ['$out', [{ $out: 'stolen' }]],
      ['$merge', [{ $merge: { into: 'catalog' } }]],
      ['$where', [{ $match: { $where: 'true' } }]],
      ['$where under $or', [{ $match: { $or: [{ $where: 'true' }, { a: 1 }] } }]],
      [
        '$function',
        [{ $addFields: { x: { $function: { body: 'return 1', args: [], lang: 'js' } } } }],
      ],
      ['$accumulator', [{ $group: { _id: null, x: { $accumulator: { init: 'function(){}' } } } }]],
      ['$out in $facet', [{ $facet: { a: [{ $match: {} }, { $out: 'stolen' }] } }]],
      ['$merge in $facet', [{ $facet: { a: [{ $merge: 'stolen' }] } }]],
      ['$where in $facet', [{ $facet: { a: [{ $match: { $where: 'true' } }] } }]],
      ['$function in $facet', [{ $facet: { a: [{ $set: { x: { $function: {} } } }] } }]],
      [
        '$lookup into dead letters',
        [{ $lookup: { from: '_dead_letters', pipeline: [], as: 'x' } }],
      ],
      [
        '$lookup into leases',
        [{ $lookup: { from: '_leases', localField: 'a', foreignField: 'b', as: 'x' } }],
      ],
      ['$lookup into checkpoints', [{ $lookup: { from: '_checkpoints', pipeline: [], as: 'x' } }]],
      ['$lookup into customers', [{ $lookup: { from: 'customers', pipeline: [], as: 'x' } }]],
      ['$lookup into another read model', [{ $lookup: { from: 'orders', pipeline: [], as: 'x' } }]],
      ['$lookup in $facet', [{ $facet: { a: [{ $lookup: { from: '_dead_letters', as: 'x' } }] } }]],
      [
        '$out in a $lookup sub-pipeline',
        [{ $lookup: { from: 'catalog', pipeline: [{ $out: 'x' }], as: 'x' } }],
      ],
      ['$unionWith', [{ $unionWith: { coll: '_dead_letters' } }]],
      [
        '$graphLookup',
        [
          {
            $graphLookup: {
              from: '_leases',
              startWith: '$a',
              connectFromField: 'a',
              connectToField: 'b',
              as: 'x',
            },
          },
        ],
      ],
      ['$collStats', [{ $collStats: {} }]],
      ['$currentOp', [{ $currentOp: {} }]],
      [
        '$where deep in an expression',
        [{ $project: { a: { $cond: [{ $eq: [1, 1] }, { $where: 'x' }, 0] } } }],
      ],
      ['an unknown stage', [{ $densify: { field: 'a' } }]],
      ['a stage as a string', ['$out']],
    ];
    it.each(refusedPipelines)('refuses %s with 400', async (_name, pipeline) => {
      expectProblem(await query(pipeline), 400, 'VALIDATION_FAILED');
    });

    it.each([
      '_dead_letters',
      '_dead_letters_skipped',
      '_leases',
      '_checkpoints',
      'customers',
      'users',
      'system.users',
      '__proto__',
      'catalog_shadow',
      '',
    ])('refuses the collection %j', async (collection) => {
      expectProblem(await query([{ $limit: 1 }], collection), 400, 'VALIDATION_FAILED');
    });

    it('writes nothing when refusing', async () => {
      await query([{ $out: 'stolen' }]);
      await query([{ $facet: { a: [{ $merge: 'stolen' }] } }]);
      expect(await api.engine.readStore.collection('stolen').count({})).toBe(0);
      const catalog = await query([{ $count: 'n' }]);
      expect(catalog.body.items).toEqual([{ n: 2 }]);
    });
  });
});
