import type { Api, ApiResponse } from '../support/api-harness.js';
import { openShop, startSecuredApi, type Shop } from './security-fixture.js';

/** What an error answer must never show: stack frames, source paths, driver or SQL text. */
const INTERNALS =
  /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d|\.js:\d|SQLITE|sqlite|better-sqlite3|mingo|TypeError|ReferenceError|stack/i;

/** OWASP API8:2023 Security Misconfiguration: headers and error answers. */
describe('API8 security misconfiguration', () => {
  let api: Api;
  let shop: Shop;
  beforeAll(async () => {
    api = await startSecuredApi();
    shop = await openShop(api);
  });
  afterAll(() => api.stop());

  function expectHardened(res: ApiResponse): void {
    const h = res.headers;
    expect(h.get('x-powered-by')).toBeNull();
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('content-security-policy')).toContain("default-src 'self'");
    expect(h.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(h.get('access-control-allow-origin')).toBeNull();
  }

  const answers = () => ({
    'a JSON answer': api.request('GET', '/v1/catalog'),
    'a signed-in answer': api.request('GET', '/v1/me', { token: shop.alice.token }),
    'the OpenAPI document': api.request('GET', '/v1/openapi.json'),
    health: api.request('GET', '/healthz'),
    'an unknown route': api.request('GET', '/v1/nothing-here'),
    'a wrong method': api.request('PUT', '/v1/catalog', { body: {} }),
    'malformed JSON': api.request('POST', '/v1/auth/login', {
      raw: '{"email": "a@b.cd", "password": ',
      headers: { 'content-type': 'application/json' },
    }),
    'a body that is not JSON': api.request('POST', '/v1/auth/login', {
      raw: 'email=a@b.cd',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    'a body too large': api.request('POST', '/v1/auth/login', {
      raw: JSON.stringify({ email: 'x'.repeat(100_000) }),
      headers: { 'content-type': 'application/json' },
    }),
    'an unsupported charset': api.request('POST', '/v1/auth/login', {
      raw: '{}',
      headers: { 'content-type': 'application/json; charset=utf-7' },
    }),
    'a missing token': api.request('GET', '/v1/me'),
    'a bad token': api.request('GET', '/v1/me', { token: 'abc.def.ghi' }),
    'a wrong role': api.request('GET', '/v1/inventory/x', { token: shop.alice.token }),
    'invalid fields': api.request('POST', '/v1/auth/register', {
      body: { email: 'nope', password: 1, name: { $gt: '' }, extra: true },
    }),
    'a bad pipeline': api.request('POST', '/v1/analytics/query', {
      token: shop.admin,
      body: { collection: 'catalog', pipeline: [{ $group: { _id: null, n: { $bogus: 1 } } }] },
    }),
    'a bad X-Min-Position': api.request('GET', '/v1/catalog', {
      headers: { 'X-Min-Position': 'DROP TABLE' },
    }),
    'an unknown order': api.request('GET', '/v1/orders/00000000-0000-0000-0000-000000000000', {
      token: shop.alice.token,
    }),
  });

  it('sends the hardening headers on every kind of answer, and no X-Powered-By', async () => {
    for (const [what, pending] of Object.entries(answers())) {
      const res = await pending;
      try {
        expectHardened(res);
      } catch (error) {
        throw new Error(`${what} (${res.status}): ${String(error)}`);
      }
    }
  });

  it('answers every error as problem+json that shows no internals', async () => {
    for (const [what, pending] of Object.entries(answers())) {
      const res = await pending;
      if (res.status < 400) continue;
      const text = JSON.stringify(res.body);
      expect(`${what}: ${res.headers.get('content-type')}`).toMatch(/: application\/problem\+json/);
      expect(res.body).toMatchObject({ status: res.status, type: expect.any(String) });
      expect(`${what}: ${text}`).not.toMatch(INTERNALS);
    }
  });

  it('answers an unexpected failure with a bare 500 that shows nothing of it', async () => {
    const store = api.engine.readStore;
    const original = store.collection.bind(store);
    store.collection = () => {
      const error = new Error('secret-internal-detail at /srv/app/src/db.ts:42 SQLITE_CORRUPT');
      error.stack = `${error.message}\n    at Object.collection (/srv/app/src/db.ts:42:7)`;
      throw error;
    };
    try {
      const res = await api.request('GET', '/v1/catalog');
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toEqual({
        type: 'urn:commerce:problem:internal',
        title: 'Internal error',
        status: 500,
        detail: expect.any(String),
        code: 'INTERNAL',
      });
      expect(JSON.stringify(res.body)).not.toMatch(/secret-internal-detail|srv|SQLITE|db\.ts/);
      expectHardened(res);
    } finally {
      store.collection = original;
    }
  });

  it('sets no cookies and never answers TRACE', async () => {
    const login = await api.request('POST', '/v1/auth/login', {
      body: { email: shop.alice.email, password: 'password-123' },
    });
    expect(login.headers.get('set-cookie')).toBeNull();
    const trace = await fetch(`${api.base}/v1/catalog`, { method: 'TRACE' }).catch(() => undefined);
    if (trace) expect(trace.status).not.toBe(200);
  });
});
