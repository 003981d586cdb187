import { v7 as uuidv7 } from 'uuid';
import type { Api, ApiResponse } from '../support/api-harness.js';
import {
  CUSTOMER_PASSWORD,
  expectProblem,
  signToken,
  startSecuredApi,
  unsignedToken,
} from './security-fixture.js';

/** OWASP API2:2023 Broken Authentication. */
describe('API2 authentication', () => {
  let api: Api;
  let customer: { customerId: string; email: string; token: string };
  beforeAll(async () => {
    api = await startSecuredApi();
    customer = await api.customer();
  });
  afterAll(() => api.stop());

  const me = (authorization: string) =>
    api.request('GET', '/v1/me', { headers: { authorization } });

  it('accepts the token it issued (the control for every refusal below)', async () => {
    expect((await me(`Bearer ${customer.token}`)).status).toBe(200);
    const forged = await signToken({ sub: customer.customerId });
    expect((await me(`Bearer ${forged}`)).status).toBe(200);
  });

  describe('refuses with 401 problem+json', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<string>][] = [
      ['no credentials at all', async () => ''],
      [
        'a tampered signature',
        async () => {
          const sig = customer.token.slice(customer.token.lastIndexOf('.') + 1);
          const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
          return `Bearer ${customer.token.slice(0, customer.token.lastIndexOf('.') + 1)}${flipped}`;
        },
      ],
      [
        'a payload swapped for one claiming admin',
        async () => {
          const [header, , signature] = customer.token.split('.');
          const payload = Buffer.from(
            JSON.stringify({
              sub: customer.customerId,
              roles: ['customer', 'admin'],
              iss: 'commerce-engine',
              exp: now() + 600,
            }),
          ).toString('base64url');
          return `Bearer ${header}.${payload}.${signature}`;
        },
      ],
      [
        'an expired token',
        async () =>
          `Bearer ${await signToken({ sub: customer.customerId, iat: now() - 7200, exp: now() - 60 })}`,
      ],
      [
        'a token without expiry',
        async () => `Bearer ${await signToken({ sub: customer.customerId, exp: 0 })}`,
      ],
      ['a token without subject', async () => `Bearer ${await signToken({})}`],
      [
        'a token of another issuer',
        async () => `Bearer ${await signToken({ sub: customer.customerId, iss: 'someone-else' })}`,
      ],
      [
        'an alg:none token',
        async () =>
          `Bearer ${unsignedToken({ sub: customer.customerId, roles: ['admin'], iss: 'commerce-engine', exp: now() + 600 })}`,
      ],
      [
        'a token signed with another secret',
        async () =>
          `Bearer ${await signToken({ sub: customer.customerId, roles: ['admin'] }, { secret: 'another-secret-of-at-least-32-characters!!' })}`,
      ],
      [
        'a token signed with the right secret but HS512',
        async () => `Bearer ${await signToken({ sub: customer.customerId }, { alg: 'HS512' })}`,
      ],
      [
        'a Basic header',
        async () =>
          `Basic ${Buffer.from(`${customer.email}:${CUSTOMER_PASSWORD}`).toString('base64')}`,
      ],
      ['Bearer without a token', async () => 'Bearer'],
      ['Bearer with a blank token', async () => 'Bearer  '],
      ['two tokens', async () => `Bearer ${customer.token} ${customer.token}`],
      ['the token without its scheme', async () => customer.token],
      ['a token with junk appended', async () => `Bearer ${customer.token}.x`],
      [
        'a token of random bytes',
        async () => `Bearer ${Buffer.alloc(300, 7).toString('base64url')}`,
      ],
      ['an overlong header', async () => `Bearer ${'a'.repeat(6000)}`],
      ['a token with control characters', async () => `Bearer abc\tdef`],
    ];
    it.each(cases)('for %s', async (_name, header) => {
      const authorization = await header();
      const res =
        authorization === '' ? await api.request('GET', '/v1/me') : await me(authorization);
      expectProblem(res, 401, 'UNAUTHENTICATED');
      // A refused token is refused on an anonymous route too: it is never silently ignored.
      if (authorization !== '') {
        const catalog = await api.request('GET', '/v1/catalog', { headers: { authorization } });
        expectProblem(catalog, 401, 'UNAUTHENTICATED');
      }
    });
  });

  describe('login', () => {
    const login = (email: string, password: string, client?: string) =>
      api.request('POST', '/v1/auth/login', {
        body: { email, password },
        ...(client ? { headers: { 'X-Forwarded-For': client } } : {}),
      });

    it('answers a wrong password and an unknown email alike', async () => {
      const wrong = await login(customer.email, 'not-the-password', '198.51.100.1');
      const unknown = await login(
        `nobody-${uuidv7()}@example.com`,
        'not-the-password',
        '198.51.100.1',
      );
      expectProblem(wrong, 401, 'INVALID_CREDENTIALS');
      expect(unknown.body).toEqual(wrong.body);
    });

    it('rate-limits guessing one password from one client, also with the right password then', async () => {
      const victim = await api.customer();
      const attacker = '203.0.113.7';
      const answers: number[] = [];
      for (let i = 0; i < 12; i++)
        answers.push((await login(victim.email, `guess-${i}-xx`, attacker)).status);
      expect(answers.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(answers.slice(10)).toEqual([429, 429]);
      const locked = await login(victim.email, CUSTOMER_PASSWORD, attacker);
      expectProblem(locked, 429, 'RATE_LIMITED');
      expect(locked.headers.get('retry-after')).toBeTruthy();
      // The owner, from another client, still signs in.
      expect((await login(victim.email, CUSTOMER_PASSWORD, '192.0.2.10')).status).toBe(200);
    });

    it('rate-limits guessing at an email that is not registered, so limits reveal nothing', async () => {
      const email = `ghost-${uuidv7()}@example.com`;
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++)
        statuses.push((await login(email, `guess-${i}-xx`, '203.0.113.8')).status);
      expect(statuses.at(-1)).toBe(429);
    });

    it('rate-limits guessing one account from many clients', async () => {
      const victim = await api.customer();
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) {
        statuses.push(
          (await login(victim.email, `guess-${i}-xx`, `10.9.${i >> 8}.${i & 255}`)).status,
        );
      }
      expect(statuses.filter((s) => s === 429)).toEqual([429]);
      expect(statuses.at(-1)).toBe(429);
    }, 120_000);

    it('does not throttle ordinary use by one client', async () => {
      const client = '192.0.2.77';
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await login(customer.email, CUSTOMER_PASSWORD, client)).status);
      // One typo among good logins is ordinary too.
      statuses.push((await login(customer.email, 'typo-password', client)).status);
      for (let i = 0; i < 5; i++)
        statuses.push((await login(customer.email, CUSTOMER_PASSWORD, client)).status);
      const reads: Promise<ApiResponse>[] = [];
      for (let i = 0; i < 400; i++) {
        const url = i % 2 ? '/v1/me' : '/v1/catalog?limit=5';
        reads.push(
          api.request('GET', url, {
            token: customer.token,
            headers: { 'X-Forwarded-For': client },
          }),
        );
      }
      statuses.push(...(await Promise.all(reads)).map((r) => r.status));
      expect(statuses.filter((s) => s !== 200)).toEqual([401]);
    }, 60_000);
  });
});
