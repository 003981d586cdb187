import type { Api, ApiResponse } from '../support/api-harness.js';
import { address, card } from '../support/order-api.js';
import { openShop, startSecuredApi, type Shop } from './security-fixture.js';

const POLLUTED = 'pollutedBySecuritySuite';

/** Whatever Object.prototype holds besides its own built-ins. */
const pollution = () => {
  const probe: Record<string, unknown> = {};
  return {
    own: Object.getOwnPropertyNames(Object.prototype).filter((k) => k.includes('olluted')),
    probe: probe[POLLUTED],
    roles: probe.roles,
    isAdmin: probe.isAdmin,
  };
};
const CLEAN = { own: [], probe: undefined, roles: undefined, isAdmin: undefined };

/** OWASP API8:2023 Security Misconfiguration: prototype pollution through bodies and query strings. */
describe('API8 prototype pollution', () => {
  let api: Api;
  let shop: Shop;
  beforeAll(async () => {
    api = await startSecuredApi();
    shop = await openShop(api);
  });
  afterAll(() => api.stop());
  afterEach(() => expect(pollution()).toEqual(CLEAN));

  const payloads = [
    `{"__proto__":{"${POLLUTED}":"yes","roles":["admin"],"isAdmin":true}}`,
    `{"constructor":{"prototype":{"${POLLUTED}":"yes","roles":["admin"]}}}`,
    `{"prototype":{"${POLLUTED}":"yes"}}`,
    `{"a":{"__proto__":{"${POLLUTED}":"yes"}},"b":[{"__proto__":{"${POLLUTED}":"yes"}}]}`,
  ];

  const noServerError = (res: ApiResponse, what: string) =>
    expect(`${what} -> ${res.status}`).toBe(
      `${what} -> ${res.status < 500 ? res.status : 'no 5xx'}`,
    );

  it('survives polluting keys in every command body', async () => {
    const targets: [string, string, string | undefined][] = [
      ['POST', '/v1/auth/register', undefined],
      ['POST', '/v1/auth/login', undefined],
      ['POST', '/v1/orders', shop.alice.token],
      ['POST', '/v1/carts', shop.alice.token],
      ['POST', `/v1/carts/${shop.aliceCartId}/items`, shop.alice.token],
      ['POST', `/v1/carts/${shop.aliceCartId}/checkout`, shop.alice.token],
      ['POST', `/v1/orders/${shop.aliceOrderId}/cancel`, shop.bob.token],
      ['POST', '/v1/products', shop.admin],
      ['PATCH', `/v1/products/${shop.productId}`, shop.admin],
      ['POST', '/v1/promotions', shop.admin],
      ['POST', '/v1/analytics/query', shop.admin],
    ];
    for (const [method, url, token] of targets) {
      for (const raw of payloads) {
        const res = await api.request(method, url, {
          raw,
          headers: { 'content-type': 'application/json' },
          ...(token ? { token } : {}),
        });
        noServerError(res, `${method} ${url} ${raw}`);
        expect(res.status).toBe(400);
      }
    }
  });

  it('survives polluting keys nested where a body takes free-form maps', async () => {
    const patched = await api.request('PATCH', `/v1/products/${shop.productId}`, {
      token: shop.admin,
      raw: `{"attributes":{"__proto__":"x","constructor":"y","prototype":"z","colour":"red"}}`,
      headers: { 'content-type': 'application/json' },
    });
    noServerError(patched, 'attributes');
    const order = await api.request('POST', '/v1/orders', {
      token: shop.alice.token,
      raw: JSON.stringify({
        lines: [{ productId: shop.productId, quantity: 1 }],
        shippingAddress: address,
        payment: card(),
      }).replace('"lines":[{', `"lines":[{"__proto__":{"${POLLUTED}":"yes"},`),
      headers: { 'content-type': 'application/json' },
    });
    noServerError(order, 'order line');
  });

  it.each([
    `/v1/catalog?__proto__[${POLLUTED}]=yes`,
    `/v1/catalog?constructor[prototype][${POLLUTED}]=yes`,
    `/v1/catalog?__proto__.${POLLUTED}=yes`,
    `/v1/search?q=lamp&__proto__[roles]=admin`,
    `/v1/catalog?__proto__=x`,
    `/v1/catalog?constructor=x`,
    `/v1/catalog?prototype=x`,
  ])('survives %s', async (url) => {
    const res = await api.request('GET', url);
    noServerError(res, url);
    expect(res.status).toBe(400);
  });

  it('survives polluting paths in analytics pipelines', async () => {
    const pipelines: unknown[][] = [
      [{ $set: { [`__proto__.${POLLUTED}`]: 'yes' } }],
      [{ $set: { ['__proto__']: { [POLLUTED]: 'yes' } } }],
      [{ $addFields: { [`constructor.prototype.${POLLUTED}`]: 'yes' } }],
      [{ $project: { [`__proto__.${POLLUTED}`]: 'yes' } }],
      [{ $group: { _id: '__proto__', [POLLUTED]: { $push: '$name' } } }],
      [{ $replaceRoot: { newRoot: { ['__proto__']: { [POLLUTED]: 'yes' } } } }],
      [{ $unset: `__proto__.${POLLUTED}` }],
      [{ $match: { [`__proto__.${POLLUTED}`]: { $exists: false } } }],
      [{ $facet: { ['__proto__']: [{ $limit: 1 }] } }],
      [{ $group: { _id: `$__proto__`, n: { $sum: 1 } } }],
    ];
    for (const pipeline of pipelines) {
      // Computed "__proto__" keys are own properties, so JSON.stringify sends them.
      const raw = JSON.stringify({ collection: 'catalog', pipeline });
      expect(raw).toMatch(/__proto__|constructor/);
      const res = await api.request('POST', '/v1/analytics/query', {
        token: shop.admin,
        raw,
        headers: { 'content-type': 'application/json' },
      });
      noServerError(res, raw);
      expect(pollution()).toEqual(CLEAN);
    }
    const raw = `{"collection":"catalog","pipeline":[{"$replaceRoot":{"newRoot":{"__proto__":{"${POLLUTED}":"yes"}}}},{"$set":{"x":"$${POLLUTED}"}}]}`;
    noServerError(
      await api.request('POST', '/v1/analytics/query', {
        token: shop.admin,
        raw,
        headers: { 'content-type': 'application/json' },
      }),
      raw,
    );
  });

  it('still works normally afterwards, with no role picked up from a prototype', async () => {
    const me = await api.request('GET', '/v1/me', { token: shop.alice.token });
    expect(me.body.roles).toEqual(['customer']);
    expect((await api.request('GET', '/v1/inventory/x', { token: shop.alice.token })).status).toBe(
      403,
    );
    expect((await api.request('GET', '/v1/catalog')).status).toBe(200);
  });
});
