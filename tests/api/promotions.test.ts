import { findCouponByCode } from '../../src/api/routes/promotion-routes.js';
import { uniqueClaimAggregate, uniqueStream } from '../../src/commands/unique-claim.js';
import { startApi, type Api, type ApiResponse } from '../support/api-harness.js';

type Body = Record<string, unknown>;
const fieldPaths = (res: ApiResponse) =>
  ((res.body.errors ?? []) as { path: string }[]).map((e) => e.path).sort();

describe('promotions API', () => {
  let api: Api;
  let admin: string;
  let counter = 0;
  const newCode = () => `SAVE${Date.now()}X${counter++}`;
  const create = (body: Body, headers?: Record<string, string>) =>
    api.request('POST', '/v1/promotions', { body, token: admin, ...(headers ? { headers } : {}) });
  const promotionsWithCode = async (code: string) =>
    (await api.engine.eventStore.readAll({ filter: { eventTypes: ['PromotionCreated'] } })).filter(
      (e) => (e.data as { code: string }).code === code,
    );

  beforeAll(async () => {
    api = await startApi();
    admin = await api.adminToken();
  });
  afterAll(() => api.stop());

  it('creates a percent promotion with its code in upper case', async () => {
    const code = newCode();
    const res = await create({ code: ` ${code.toLowerCase()} `, kind: 'percent', value: 10 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      promotionId: expect.any(String),
      code,
      position: expect.any(String),
    });
    expect(res.headers.get('x-position')).toBe(res.body.position);
    expect(res.headers.get('etag')).toBe('"0"');
    const [event] = await api.engine.eventStore.readStream(
      `promotion-${String(res.body.promotionId)}`,
    );
    expect(event?.data).toEqual({
      promotionId: res.body.promotionId,
      code,
      kind: 'percent',
      value: 10,
    });
  });

  it('creates a fixed promotion with every option', async () => {
    const code = newCode();
    const terms = {
      code,
      kind: 'fixed',
      value: 500,
      currency: 'EUR',
      startsAt: '2024-01-01T00:00:00Z',
      endsAt: '2030-01-01T00:00:00Z',
      maxRedemptions: 100,
      minSubtotal: { amount: 2_000, currency: 'EUR' },
    };
    const res = await create(terms);
    expect(res.status).toBe(201);
    const [event] = await promotionsWithCode(code);
    expect(event?.data).toEqual({ ...terms, promotionId: res.body.promotionId });
  });

  it('refuses a taken code, whatever its case, with 409 COUPON_CODE_TAKEN', async () => {
    const code = newCode();
    expect((await create({ code, kind: 'percent', value: 5 })).status).toBe(201);
    const before = await api.engine.eventStore.headPosition();
    const again = await create({
      code: code.toLowerCase(),
      kind: 'fixed',
      value: 1,
      currency: 'EUR',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'COUPON_CODE_TAKEN', status: 409 });
    expect(await api.engine.eventStore.headPosition()).toBe(before);
  });

  it('lets exactly one of 20 concurrent creates of one code win', async () => {
    const code = newCode();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create({ code, kind: 'percent', value: 1 + i })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.body).toMatchObject({ code: 'COUPON_CODE_TAKEN' });
    expect(await promotionsWithCode(code)).toHaveLength(1);
  });

  it('completes a code claim whose promotion was never created', async () => {
    const code = newCode();
    await api.engine.handler.handle(
      uniqueClaimAggregate,
      uniqueStream('coupon', code),
      {
        type: 'Claim',
        kind: 'coupon',
        value: code,
        ownerId: 'orphan-promotion',
        takenCode: 'COUPON_CODE_TAKEN',
      },
      { actor: 'test' },
    );
    const res = await create({ code, kind: 'percent', value: 15 });
    expect(res.status).toBe(201);
    expect(res.body.promotionId).toBe('orphan-promotion');
  });

  it('answers invalid terms with a 400 per field and writes nothing', async () => {
    const before = await api.engine.eventStore.headPosition();
    const cases: [Body, string[]][] = [
      [{ kind: 'percent', value: 10 }, ['body.code']],
      [{ code: 'has space', kind: 'percent', value: 10 }, ['body.code']],
      [{ code: newCode(), kind: 'bogo', value: 10 }, ['body.kind']],
      [{ code: newCode(), kind: 'percent', value: 101 }, ['body.value']],
      [{ code: newCode(), kind: 'percent', value: 0 }, ['body.value']],
      [{ code: newCode(), kind: 'percent', value: 2.5 }, ['body.value']],
      [{ code: newCode(), kind: 'fixed', value: 500 }, ['body.currency']],
      [{ code: newCode(), kind: 'fixed', value: 500, currency: 'eur' }, ['body.currency']],
      [
        {
          code: newCode(),
          kind: 'percent',
          value: 10,
          startsAt: '2030-01-01T00:00:00Z',
          endsAt: '2029-01-01T00:00:00Z',
        },
        ['body.endsAt'],
      ],
      [{ code: newCode(), kind: 'percent', value: 10, startsAt: 'tomorrow' }, ['body.startsAt']],
      [{ code: newCode(), kind: 'percent', value: 10, maxRedemptions: 0 }, ['body.maxRedemptions']],
      [
        {
          code: newCode(),
          kind: 'fixed',
          value: 100,
          currency: 'EUR',
          minSubtotal: { amount: 1000, currency: 'USD' },
        },
        ['body.minSubtotal.currency'],
      ],
    ];
    for (const [body, paths] of cases) {
      const res = await create(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(fieldPaths(res)).toEqual(paths);
    }
    const stray = await create({ code: newCode(), kind: 'percent', value: 10, stackable: true });
    expect(stray.status).toBe(400);
    expect(JSON.stringify(stray.body.errors)).toContain('stackable');
    expect(await api.engine.eventStore.headPosition()).toBe(before);
  });

  it('needs a token (401) and the admin role (403)', async () => {
    const body = { code: newCode(), kind: 'percent', value: 10 };
    const before = await api.engine.eventStore.headPosition();
    expect((await api.request('POST', '/v1/promotions', { body })).status).toBe(401);
    const { token } = await api.customer();
    const afterRegister = await api.engine.eventStore.headPosition();
    const forbidden = await api.request('POST', '/v1/promotions', { body, token });
    expect(forbidden.status).toBe(403);
    expect(before).not.toBe(afterRegister);
    expect(await api.engine.eventStore.headPosition()).toBe(afterRegister);
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const body = { code: newCode(), kind: 'percent', value: 20 };
    const headers = { 'Idempotency-Key': `promo-${body.code}` };
    const first = await create(body, headers);
    const second = await create(body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await promotionsWithCode(body.code)).toHaveLength(1);
  });

  it('finds a promotion by its code, in any case', async () => {
    const code = newCode();
    const res = await create({ code, kind: 'percent', value: 25, maxRedemptions: 3 });
    const found = await findCouponByCode(api.engine, ` ${code.toLowerCase()} `);
    expect(found).toMatchObject({
      promotionId: res.body.promotionId,
      state: { status: 'created', code, kind: 'percent', value: 25, maxRedemptions: 3 },
    });
    expect(await findCouponByCode(api.engine, 'NO-SUCH-CODE')).toBeUndefined();
    const orphan = newCode();
    await api.engine.handler.handle(
      uniqueClaimAggregate,
      uniqueStream('coupon', orphan),
      { type: 'Claim', kind: 'coupon', value: orphan, ownerId: 'never-created', takenCode: 'X' },
      { actor: 'test' },
    );
    expect(await findCouponByCode(api.engine, orphan)).toBeUndefined();
  });

  it('lists the promotion route in the OpenAPI document', async () => {
    const doc = await api.request<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/v1/openapi.json',
    );
    expect(doc.body.paths['/v1/promotions']?.post).toMatchObject({
      tags: ['promotions'],
      'x-roles': ['admin'],
    });
  });
});
