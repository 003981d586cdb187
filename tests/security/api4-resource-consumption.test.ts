import { v7 as uuidv7 } from 'uuid';
import type { Api } from '../support/api-harness.js';
import { address, card } from '../support/order-api.js';
import {
  expectProblem,
  openShop,
  startSecuredApi,
  type Json,
  type Shop,
} from './security-fixture.js';

/** A JSON value nested `depth` levels deep, as text (JSON.stringify of such a value may itself overflow). */
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number, key = 'a') =>
  `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}`;

/** OWASP API4:2023 Unrestricted Resource Consumption. */
describe('API4 resource consumption', () => {
  let api: Api;
  let shop: Shop;
  let analyst: string;
  beforeAll(async () => {
    api = await startSecuredApi();
    shop = await openShop(api);
    analyst = shop.admin;
  });
  afterAll(() => api.stop());

  /** The server still answers promptly after each attack. */
  afterEach(async () => {
    const started = Date.now();
    expect((await api.request('GET', '/healthz')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  const post = (url: string, raw: string, token?: string, headers: Record<string, string> = {}) =>
    api.request('POST', url, {
      raw,
      headers: { 'content-type': 'application/json', ...headers },
      ...(token ? { token } : {}),
    });

  describe('request bodies', () => {
    it('refuses a body over the limit with 413', async () => {
      const big = JSON.stringify({ email: 'a@b.cd', password: 'x'.repeat(200 * 1024), name: 'n' });
      expectProblem(await post('/v1/auth/register', big), 413, 'PAYLOAD_TOO_LARGE');
      const order = JSON.stringify({ lines: [], padding: 'x'.repeat(100 * 1024) });
      expectProblem(await post('/v1/orders', order, shop.alice.token), 413);
    });

    it.each([
      ['arrays', nestedArrays(10_000)],
      ['objects', nestedObjects(3_000)],
    ])('answers 400, not 500, to a body of deeply nested %s', async (_kind, deep) => {
      const targets: [string, string | undefined][] = [
        ['/v1/auth/register', undefined],
        ['/v1/auth/login', undefined],
        ['/v1/orders', shop.alice.token],
        ['/v1/carts', shop.alice.token],
        ['/v1/products', shop.admin],
        ['/v1/analytics/query', analyst],
      ];
      for (const [url, token] of targets) {
        for (const key of [undefined, `deep-${uuidv7()}`]) {
          const headers: Record<string, string> = key ? { 'Idempotency-Key': key } : {};
          expectProblem(await post(url, deep, token, headers), 400);
          const wrapped = `{"lines":${deep},"shippingAddress":${deep},"payment":${deep}}`;
          expectProblem(await post(url, wrapped, token, headers), 400);
        }
      }
      const pipeline = `{"collection":"catalog","pipeline":[{"$match":${nestedObjects(5_000)}}]}`;
      expectProblem(await post('/v1/analytics/query', pipeline, analyst), 400);
    });

    it('refuses long strings with 400', async () => {
      const long = 'x'.repeat(20_000);
      const register = (body: Json) => api.request('POST', '/v1/auth/register', { body });
      expectProblem(await register({ email: 'a@b.cd', password: long, name: 'A' }), 400);
      expectProblem(
        await register({ email: `${long}@b.cd`, password: 'password-1', name: 'A' }),
        400,
      );
      expectProblem(await register({ email: 'a@b.cd', password: 'password-1', name: long }), 400);
      const login = await api.request('POST', '/v1/auth/login', {
        body: { email: shop.alice.email, password: long },
      });
      expectProblem(login, 400);
      const order = await api.request('POST', '/v1/orders', {
        token: shop.alice.token,
        body: {
          lines: [{ productId: shop.productId, quantity: 1 }],
          shippingAddress: { ...address, line1: long },
          payment: card(),
        },
      });
      expectProblem(order, 400);
      const product = await api.request('PATCH', `/v1/products/${shop.productId}`, {
        token: shop.admin,
        body: { description: 'd'.repeat(50_000) },
      });
      expectProblem(product, 400);
      expectProblem(await api.request('GET', `/v1/search?q=${'word '.repeat(200)}`), 400);
      expectProblem(await api.request('GET', `/v1/catalog?cursor=${'c'.repeat(5000)}`), 400);
      expectProblem(
        await api.request('GET', `/v1/orders/${'o'.repeat(500)}`, { token: shop.alice.token }),
        400,
      );
      const keyed = await api.request('POST', '/v1/carts', {
        token: shop.alice.token,
        body: {},
        headers: { 'Idempotency-Key': 'k'.repeat(1000) },
      });
      expectProblem(keyed, 400);
      const waiting = await api.request('GET', '/v1/catalog', {
        headers: { 'X-Min-Position': '9'.repeat(1000) },
      });
      expectProblem(waiting, 400);
    });

    it('refuses oversized collections and quantities in a body', async () => {
      const lines = Array.from({ length: 101 }, () => ({ productId: shop.productId, quantity: 1 }));
      const many = await api.request('POST', '/v1/orders', {
        token: shop.alice.token,
        body: { lines, shippingAddress: address, payment: card() },
      });
      expectProblem(many, 400);
      const huge = await api.request('POST', '/v1/orders', {
        token: shop.alice.token,
        body: {
          lines: [{ productId: shop.productId, quantity: 1e12 }],
          shippingAddress: address,
          payment: card(),
        },
      });
      expectProblem(huge, 400);
      const attributes = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'v']));
      const product = await api.request('PATCH', `/v1/products/${shop.productId}`, {
        token: shop.admin,
        body: { attributes },
      });
      expectProblem(product, 400);
    });
  });

  describe('page sizes', () => {
    const lists = ['/v1/catalog', '/v1/search', '/v1/me/orders', `/v1/recommendations/{productId}`];
    it.each(['0', '-1', '101', '1000000', '1e3', '99999999999999999999999', '10.5', ''])(
      'refuses ?limit=%s with 400',
      async (limit) => {
        for (const list of lists) {
          const url = `${list.replace('{productId}', shop.productId)}?limit=${limit}`;
          expectProblem(await api.request('GET', url, { token: shop.alice.token }), 400);
        }
        const report = `/v1/reports/products?from=2024-01-01&to=2024-12-31&limit=${limit}`;
        expectProblem(await api.request('GET', report, { token: shop.admin }), 400);
      },
    );

    it('refuses report ranges that would roll up centuries of days', async () => {
      const res = await api.request('GET', '/v1/reports/sales?from=0001-01-01&to=9999-12-31', {
        token: shop.admin,
      });
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) expectProblem(res, 400);
    });
  });

  describe('analytics', () => {
    const query = (pipeline: unknown[], collection = 'catalog') =>
      api.request('POST', '/v1/analytics/query', {
        token: analyst,
        body: { collection, pipeline },
      });

    /** 10^8 additions within one document. */
    const squares = {
      $reduce: {
        input: { $range: [0, 10_000] },
        initialValue: 0,
        in: {
          $add: ['$$value', { $sum: { $map: { input: { $range: [0, 10_000] }, in: '$$this' } } }],
        },
      },
    };

    /** Answered (not necessarily refused) within the 2 s bound, with slack for a busy machine. */
    async function bounded(pipeline: unknown[]) {
      const started = Date.now();
      const res = await query(pipeline);
      const elapsed = Date.now() - started;
      expect({ status: res.status, code: res.body.code }).toEqual({
        status: 400,
        code: expect.stringMatching(/^(QUERY_LIMIT_EXCEEDED|VALIDATION_FAILED)$/),
      });
      expect(elapsed).toBeLessThan(6000);
      return res;
    }

    it('stops a pipeline that yields more rows than the result bound', async () => {
      const res = await bounded([{ $project: { n: { $range: [0, 5000] } } }, { $unwind: '$n' }]);
      expect(res.body.code).toBe('QUERY_LIMIT_EXCEEDED');
      await bounded([{ $sample: { size: 1e7 } }]);
    });

    it('refuses a $range too large to stop once started', async () => {
      const res = await bounded([{ $project: { n: { $size: { $range: [0, 1e9] } } } }]);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const computed = await bounded([{ $project: { n: { $range: [0, '$price.amount'] } } }]);
      expect(computed.body.code).toBe('VALIDATION_FAILED');
    });

    it('stops a pipeline that computes past the time bound', async () => {
      const quadratic = await bounded([{ $project: { n: squares } }]);
      expect(quadratic.body.code).toBe('QUERY_LIMIT_EXCEEDED');
      const doubling: unknown[] = [{ $set: { x: [1] } }];
      for (let i = 0; i < 40; i++) doubling.push({ $set: { x: { $concatArrays: ['$x', '$x'] } } });
      expect((await bounded(doubling)).body.code).toBe('QUERY_LIMIT_EXCEEDED');
      expect((await bounded([{ $sample: { size: 1e12 } }, { $count: 'n' }])).body.code).toBe(
        'QUERY_LIMIT_EXCEEDED',
      );
    }, 30_000);

    it('stops a regular expression that backtracks for ever (ReDoS)', async () => {
      const computed = await bounded([
        { $set: { s: { $concat: [{ $literal: 'a'.repeat(40) }, '!'] } } },
        { $match: { $expr: { $regexMatch: { input: '$s', regex: '^(a+)+$' } } } },
      ]);
      expect(computed.body.code).toBe('QUERY_LIMIT_EXCEEDED');
      const renamed = await api.request('PATCH', `/v1/products/${shop.productId}`, {
        token: shop.admin,
        body: { name: `${'a'.repeat(40)}!` },
      });
      const headers = { 'X-Min-Position': String(renamed.body.position) };
      expect((await api.request('GET', `/v1/catalog/${shop.productId}`, { headers })).status).toBe(
        200,
      );
      const stored = await bounded([{ $match: { name: { $regex: '^(a+)+$' } } }]);
      expect(stored.body.code).toBe('QUERY_LIMIT_EXCEEDED');
    }, 30_000);

    it('refuses too many stages and too deep a pipeline', async () => {
      expectProblem(await query(Array.from({ length: 51 }, () => ({ $skip: 0 }))), 400);
      let deep: unknown = { $literal: 1 };
      for (let i = 0; i < 40; i++) deep = { $add: [deep, 1] };
      expectProblem(await query([{ $project: { n: deep } }]), 400);
    });

    it('keeps answering other queries after a stopped one', async () => {
      await bounded([{ $project: { n: squares } }]);
      await bounded([{ $match: { name: { $regex: '^(a+)+$' } } }]);
      const ok = await query([{ $count: 'n' }]);
      expect(ok.status).toBe(200);
      const catalog = await api.request('GET', '/v1/catalog', {
        headers: { 'X-Min-Position': shop.position },
      });
      expect(catalog.status).toBe(200);
    }, 30_000);
  });
});
