import { startApi, ADMIN, type Api } from '../support/api-harness.js';

describe('identity API', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  it('registers, signs in and shows the profile without any password hash', async () => {
    const reg = await api.request('POST', '/v1/auth/register', {
      body: { email: 'Ada@Example.com', password: 'correct horse', name: 'Ada' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.customerId).toEqual(expect.any(String));
    const login = await api.request('POST', '/v1/auth/login', {
      body: { email: 'ada@example.com', password: 'correct horse' },
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, roles: ['customer'] });
    const me = await api.request('GET', '/v1/me', { token: String(login.body.accessToken) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      customerId: reg.body.customerId,
      email: 'ada@example.com',
      name: 'Ada',
    });
    expect(JSON.stringify([reg.body, login.body, me.body])).not.toMatch(/scrypt|passwordHash/);
  });

  it('refuses a taken email with 409 EMAIL_TAKEN, also under concurrency', async () => {
    const body = { email: 'twice@example.com', password: 'password-1', name: 'T' };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => api.request('POST', '/v1/auth/register', { body })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(results.find((r) => r.status === 409)?.body).toMatchObject({
      code: 'EMAIL_TAKEN',
      status: 409,
    });
  });

  it('answers bad input with per-field 400 problems and writes nothing', async () => {
    const before = await api.engine.eventStore.headPosition();
    const res = await api.request('POST', '/v1/auth/register', {
      body: { email: 'not-an-email', password: 'short', roles: ['admin'] },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    const paths = (res.body.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining(['body.email', 'body.password', 'body.name', 'body.roles']),
    );
    expect(await api.engine.eventStore.headPosition()).toBe(before);
  });

  it('rejects wrong passwords with 401 and rate-limits repeated failures', async () => {
    const { email } = await api.customer();
    const attempts = [];
    for (let i = 0; i < 12; i++) {
      attempts.push(
        (await api.request('POST', '/v1/auth/login', { body: { email, password: `wrong-${i}` } }))
          .status,
      );
    }
    expect(attempts.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(attempts.slice(10)).toEqual([429, 429]);
    const correct = await api.request('POST', '/v1/auth/login', {
      body: { email, password: 'password-123' },
    });
    expect(correct.status).toBe(429);
  });

  it('bootstraps the staff account with admin, analyst and ops', async () => {
    const res = await api.request('POST', '/v1/auth/login', { body: ADMIN });
    expect(res.status).toBe(200);
    expect([...(res.body.roles as string[])].sort()).toEqual(['admin', 'analyst', 'ops']);
  });

  it('refuses missing, tampered, expired and alg:none tokens with 401', async () => {
    const { token } = await api.customer();
    const [header, payload] = token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'x', roles: ['admin'], exp: 9e9, iss: 'commerce-engine' })).toString('base64url')}.${token.split('.')[2]}`;
    expect((await api.request('GET', '/v1/me')).status).toBe(401);
    for (const bad of [none, tampered, 'garbage', `${token}x`]) {
      const res = await api.request('GET', '/v1/me', { token: bad });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('answers non-JSON bodies with 415, malformed JSON with 400, oversized with 413', async () => {
    const text = await api.request('POST', '/v1/auth/login', {
      raw: 'email=a',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const malformed = await api.request('POST', '/v1/auth/login', {
      raw: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'MALFORMED_JSON' });
    const big = await api.request('POST', '/v1/auth/register', {
      body: { email: 'a@b.co', password: 'x'.repeat(100_000), name: 'n' },
    });
    expect(big.status).toBe(413);
  });

  it('publishes an OpenAPI 3.1 document and answers unknown routes with a 404 problem', async () => {
    const doc = await api.request('GET', '/v1/openapi.json');
    expect(doc.body).toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys(doc.body.paths as object)).toEqual(
      expect.arrayContaining(['/v1/auth/register', '/v1/auth/login', '/v1/me']),
    );
    const missing = await api.request('GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});
