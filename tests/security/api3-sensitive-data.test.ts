import fs from 'node:fs';
import path from 'node:path';
import { ANALYTICS_COLLECTIONS } from '../../src/api/analytics/pipeline-guard.js';
import { startApi, type Api } from '../support/api-harness.js';
import { address, card } from '../support/order-api.js';
import { CUSTOMER_PASSWORD, fillPath, operations, type Operation } from './security-fixture.js';

/** The secrets an attacker would want, as the store and data directory hold them. */
export async function secretsOf(api: Api): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  secrets.set('JWT secret', fs.readFileSync(path.join(api.dataDir, 'jwt-secret'), 'utf8').trim());
  const admin = fs.readFileSync(path.join(api.dataDir, 'admin-password'), 'utf8').trim();
  secrets.set('generated admin password', admin);
  secrets.set('customer password', CUSTOMER_PASSWORD);
  for (const event of await api.engine.eventStore.readAll({ limit: 10_000 })) {
    if (event.type !== 'PasswordSet') continue;
    const hash = String((event.data as { passwordHash: string }).passwordHash);
    const [, , , , salt, key] = hash.split('$');
    secrets.set(`hash of ${event.streamId}`, hash);
    secrets.set(`salt of ${event.streamId}`, String(salt));
    secrets.set(`key of ${event.streamId}`, String(key));
  }
  secrets.set('scrypt hash marker', 'scrypt$');
  return secrets;
}

/** The names of the secrets found in `text`. */
export const leaked = (text: string, secrets: Map<string, string>) =>
  [...secrets].filter(([, secret]) => secret.length >= 6 && text.includes(secret)).map(([n]) => n);

/**
 * OWASP API3:2023 Broken Object Property Level Authorization, excessive data
 * exposure: no answer to any GET route, with any role, shows a password,
 * a hash, a salt or the signing secret.
 */
describe('API3 sensitive data exposure', () => {
  let api: Api;
  let ops: Operation[];
  const tokens = new Map<string, string | undefined>();
  const ids = new Map<string, string[]>();
  beforeAll(async () => {
    // No ADMIN_* and no JWT_SECRET: the staff password and the secret are generated.
    api = await startApi({ env: { ADMIN_EMAIL: '', ADMIN_PASSWORD: '', JWT_SECRET: '' } });
    const adminPassword = fs.readFileSync(path.join(api.dataDir, 'admin-password'), 'utf8').trim();
    const admin = await api.login('admin@commerce.local', adminPassword);
    const alice = await api.customer('Alice');
    const product = await api.request('POST', '/v1/products', {
      token: admin,
      body: {
        sku: 'SENSITIVE-1',
        name: 'Desk',
        description: 'A desk',
        category: 'desks',
        price: { amount: 5000, currency: 'EUR' },
      },
    });
    const productId = String(product.body.productId);
    await api.request('POST', `/v1/inventory/${productId}/receive`, {
      token: admin,
      body: { quantity: 10 },
    });
    const order = await api.request('POST', '/v1/orders', {
      token: alice.token,
      body: { lines: [{ productId, quantity: 2 }], shippingAddress: address, payment: card() },
    });
    const orderId = String(order.body.orderId);
    await api.request('POST', `/v1/orders/${orderId}/ship`, {
      token: admin,
      body: { carrier: 'DHL', trackingNumber: 'T1' },
    });
    await api.request('POST', `/v1/orders/${orderId}/deliver`, { token: admin, body: {} });
    await api.request('POST', `/v1/products/${productId}/reviews`, {
      token: alice.token,
      body: { rating: 5, body: 'Solid' },
    });
    const cart = await api.request('POST', '/v1/carts', { token: alice.token, body: {} });
    await api.request('POST', '/v1/auth/login', {
      body: { email: alice.email, password: 'wrong-password' },
    });
    // Every read model has caught up with all of the above.
    const head = String(await api.engine.eventStore.headPosition());
    await Promise.all(
      ANALYTICS_COLLECTIONS.map((m) => api.engine.readModels.waitFor(m, head, 5000)),
    );

    const events = await api.engine.eventStore.readAll({ limit: 10_000 });
    const streams = [...new Set(events.map((e) => e.streamId))];
    ids.set('productId', [productId]);
    ids.set('id', [orderId, productId, String(cart.body.cartId)]);
    ids.set('orderId', [orderId]);
    ids.set('cartId', [String(cart.body.cartId)]);
    ids.set('streamId', streams);
    ids.set('name', [...ANALYTICS_COLLECTIONS]);
    ids.set('customerId', [alice.customerId]);
    tokens.set('anonymous', undefined);
    tokens.set('customer', alice.token);
    tokens.set('staff', admin);
    ops = await operations(api);
  }, 60_000);
  afterAll(() => api.stop());

  /** Every URL to read: each GET route with each known value of its path parameters. */
  function urls(): string[] {
    const out = ['/healthz', '/readyz', '/metrics', '/v1/openapi.json'];
    const today = new Date().toISOString().slice(0, 10);
    const optional: Record<string, string> = {
      revision: '1',
      fromRevision: '0',
      limit: '100',
      at: new Date().toISOString(),
      facets: 'category,price',
    };
    for (const op of ops.filter((o) => o.method === 'GET')) {
      const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      let paths = [op.path];
      for (const param of params) {
        const values = ids.get(param) ?? ['00000000-0000-7000-8000-000000000000'];
        paths = paths.flatMap((p) =>
          values.map((v) => fillPath(p, (n) => (n === param ? v : `{${n}}`))),
        );
      }
      const query = op.parameters.filter((p) => p.in === 'query');
      const required = query
        .filter((p) => p.required)
        .map((p) => `${p.name}=${p.name === 'from' ? '2000-01-01' : today}`);
      for (const p of paths.map((x) => x.replace(/%7B(\w+)%7D/g, '{$1}'))) {
        out.push(required.length ? `${p}?${required.join('&')}` : p);
        for (const q of query.filter((x) => optional[x.name] !== undefined)) {
          out.push(
            `${p}?${[...required, `${q.name}=${encodeURIComponent(optional[q.name]!)}`].join('&')}`,
          );
        }
      }
    }
    return out;
  }

  it('shows no password, hash, salt or secret in any GET answer, to any role', async () => {
    const secrets = await secretsOf(api);
    expect(secrets.size).toBeGreaterThanOrEqual(10);
    const all = urls();
    expect(all.length).toBeGreaterThan(20);
    const findings: string[] = [];
    let answered = 0;
    for (const [role, token] of tokens) {
      for (const url of all) {
        for (const accept of ['application/json', 'text/csv']) {
          const res = await fetch(`${api.base}${url}`, {
            headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          });
          const text = `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`;
          if (res.status === 200) answered++;
          for (const name of leaked(text, secrets))
            findings.push(`${role} GET ${url} (${accept}): ${name}`);
        }
      }
    }
    expect(findings).toEqual([]);
    // The crawl reached real data, not only refusals.
    expect(answered).toBeGreaterThan(30);
  }, 120_000);

  it('shows none of them in command answers either', async () => {
    const secrets = await secretsOf(api);
    const register = await api.request('POST', '/v1/auth/register', {
      body: { email: 'late@example.com', password: CUSTOMER_PASSWORD, name: 'Late' },
    });
    const login = await api.request('POST', '/v1/auth/login', {
      body: { email: 'late@example.com', password: CUSTOMER_PASSWORD },
    });
    const wrong = await api.request('POST', '/v1/auth/login', {
      body: { email: 'late@example.com', password: `${CUSTOMER_PASSWORD}x` },
    });
    const invalid = await api.request('POST', '/v1/auth/register', {
      body: { email: 'not-an-email', password: CUSTOMER_PASSWORD, name: 'X' },
    });
    for (const res of [register, login, wrong, invalid]) {
      expect(leaked(JSON.stringify(res.body), secrets)).toEqual([]);
    }
    expect(JSON.stringify(wrong.body)).not.toContain(`${CUSTOMER_PASSWORD}x`);
  });
});
