import { startApi, type Api, type ApiResponse } from '../support/api-harness.js';
import { settleOrder } from '../support/order-api.js';
import { createProduct, errorPaths, order, receive, uniqueName, type Body } from './query-api.js';

/** A fresh engine: every sale in its reports is one of the orders placed here. */
describe('reports and analytics API', () => {
  let api: Api;
  let admin: string; // the staff account: admin, analyst and ops
  let customer: { customerId: string; token: string };
  let audio: string;
  let video: string;
  let p1: string;
  let p2: string;
  let position: string;
  let expected: {
    orders: number;
    units: number;
    gross: number;
    discounts: number;
    refunds: number;
  };

  const day = (offsetDays: number) =>
    new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
  // Around today, so a run across midnight UTC still covers every sale.
  const range = () => `from=${day(-1)}&to=${day(1)}`;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.adminToken();
    customer = await api.customer();
    audio = uniqueName('audio');
    video = uniqueName('video');
    const one = await createProduct(api, admin, { name: 'Speaker', category: audio, price: 500 });
    const two = await createProduct(api, admin, { name: 'Camera', category: video, price: 2500 });
    p1 = one.productId;
    p2 = two.productId;
    await receive(api, admin, p1, 100);
    await receive(api, admin, p2, 100);
    const couponCode = `TEN-${Date.now()}`;
    const coupon = await api.request('POST', '/v1/promotions', {
      token: admin,
      body: { code: couponCode, kind: 'percent', value: 10 },
    });
    expect(coupon.status).toBe(201);

    const placed = [
      await order(api, customer.token, [{ productId: p1, quantity: 2 }]),
      await order(
        api,
        customer.token,
        [
          { productId: p1, quantity: 5 },
          { productId: p2, quantity: 2 },
        ],
        { couponCode },
      ),
    ];
    const rejected = await order(api, customer.token, [{ productId: p2, quantity: 1 }], {
      payment: { method: 'card', token: 'tok_declined' },
    });
    expect(placed.map((o) => o.status)).toEqual(['confirmed', 'confirmed']);
    expect(rejected.status).toBe('rejected');
    const refund = await api.request('POST', `/v1/orders/${placed[0]?.orderId}/refund`, {
      token: admin,
      body: { amount: 400, reason: 'damaged' },
    });
    expect(refund.status).toBe(200);
    // Sales count a refund when the payment is refunded, which the fulfilment process
    // does after OrderRefunded: wait for it, then read after the head of the log.
    await settleOrder(api, placed[0]?.orderId ?? '');
    position = String(await api.engine.eventStore.headPosition());

    type Totals = { subtotal: { amount: number }; discount: { amount: number } };
    expected = {
      orders: placed.length,
      units: 2 + 5 + 2,
      gross: placed.reduce((sum, o) => sum + (o.totals as Totals).subtotal.amount, 0),
      discounts: placed.reduce((sum, o) => sum + (o.totals as Totals).discount.amount, 0),
      refunds: 400,
    };
    // The coupon applied: the test covers discounts, not only gross.
    expect(expected.discounts).toBeGreaterThan(0);
  });
  afterAll(() => api.stop());

  const report = (path: string, query: string, headers: Record<string, string> = {}) =>
    api.request('GET', `/v1/reports/${path}?${query}`, {
      token: admin,
      headers: { 'X-Min-Position': position, ...headers },
    });

  type SalesRow = Record<
    'orders' | 'units' | 'gross' | 'discounts' | 'refunds' | 'net' | 'averageOrderValue',
    number
  > & { period: string; currency: string };

  const sum = (rows: readonly SalesRow[], field: keyof SalesRow) =>
    rows.reduce((total, row) => total + Number(row[field]), 0);

  /** Parses the RFC 4180 CSV the reports write (no quoted commas in these rows). */
  function csvRecords(res: ApiResponse): string[][] {
    const text = res.body as unknown as string;
    expect(text.endsWith('\r\n')).toBe(true);
    return text
      .slice(0, -2)
      .split('\r\n')
      .map((line) => line.split(','));
  }

  describe('GET /v1/reports/sales', () => {
    it('equals the figures of the orders placed, per granularity', async () => {
      const { orders, units, gross, discounts, refunds } = expected;
      for (const granularity of ['day', 'week', 'month']) {
        const res = await report('sales', `${range()}&granularity=${granularity}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ from: day(-1), to: day(1), granularity });
        const rows = res.body.items as SalesRow[];
        expect(rows.every((row) => row.currency === 'EUR')).toBe(true);
        expect({
          orders: sum(rows, 'orders'),
          units: sum(rows, 'units'),
          gross: sum(rows, 'gross'),
          discounts: sum(rows, 'discounts'),
          refunds: sum(rows, 'refunds'),
          net: sum(rows, 'net'),
        }).toEqual({
          orders,
          units,
          gross,
          discounts,
          refunds,
          net: gross - discounts - refunds,
        });
        if (rows.length === 1) {
          expect(rows[0]?.averageOrderValue).toBe(Math.round((gross - discounts) / orders));
        }
      }
      const today = await report('sales', `from=${day(0)}&to=${day(0)}`);
      expect((today.body.items as SalesRow[]).map((row) => row.period)).toEqual(
        sum(today.body.items as SalesRow[], 'orders') > 0 ? [day(0)] : [],
      );
      const before = await report('sales', 'from=2001-01-01&to=2001-12-31');
      expect(before.body.items).toEqual([]);
    });

    it('answers text/csv with the documented columns when asked', async () => {
      const json = await report('sales', `${range()}&granularity=month`);
      const csv = await report('sales', `${range()}&granularity=month`, { Accept: 'text/csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const [header, ...records] = csvRecords(csv);
      expect(header).toEqual([
        'period',
        'currency',
        'orders',
        'units',
        'gross',
        'discounts',
        'refunds',
        'net',
        'averageOrderValue',
      ]);
      const rows = json.body.items as SalesRow[];
      expect(records).toEqual(
        rows.map((row) => (header ?? []).map((c) => String(row[c as keyof SalesRow]))),
      );
      expect(sum(rows, 'gross')).toBe(expected.gross);
    });

    it('refuses a bad range or granularity, and anyone but analysts', async () => {
      const cases: [string, string][] = [
        [`to=${day(0)}`, 'query.from'],
        [`from=${day(0)}`, 'query.to'],
        ['from=2024-02-30&to=2024-03-01', 'query.from'],
        ['from=2024-03-02&to=2024-03-01', 'query.to'],
        ['from=2000-01-01&to=2024-03-01', 'query.to'],
        [`${range()}&granularity=year`, 'query.granularity'],
        [`${range()}&from[$gt]=x`, 'query.from[$gt]'],
      ];
      for (const [query, path] of cases) {
        const res = await api.request('GET', `/v1/reports/sales?${query}`, { token: admin });
        expect([query, res.status]).toEqual([query, 400]);
        expect(errorPaths(res)).toContain(path);
      }
      expect((await api.request('GET', `/v1/reports/sales?${range()}`)).status).toBe(401);
      for (const path of ['sales', 'products', 'categories']) {
        const res = await api.request('GET', `/v1/reports/${path}?${range()}`, {
          token: customer.token,
        });
        expect([path, res.status]).toEqual([path, 403]);
      }
    });
  });

  describe('GET /v1/reports/products and /categories', () => {
    it('ranks products by revenue or units, in JSON and CSV', async () => {
      const byRevenue = await report('products', range());
      expect(byRevenue.status).toBe(200);
      expect(byRevenue.body.items).toEqual([
        {
          productId: p2,
          name: 'Camera',
          category: video,
          currency: 'EUR',
          units: 2,
          revenue: 5000,
        },
        {
          productId: p1,
          name: 'Speaker',
          category: audio,
          currency: 'EUR',
          units: 7,
          revenue: 3500,
        },
      ]);
      const byUnits = await report('products', `${range()}&sort=units&limit=1`);
      expect(byUnits.body).toMatchObject({ sort: 'units', items: [{ productId: p1, units: 7 }] });
      const csv = await report('products', range(), { Accept: 'text/csv' });
      expect(csvRecords(csv)).toEqual([
        ['productId', 'name', 'category', 'currency', 'units', 'revenue'],
        [p2, 'Camera', video, 'EUR', '2', '5000'],
        [p1, 'Speaker', audio, 'EUR', '7', '3500'],
      ]);
      const usd = await report('products', `${range()}&currency=USD`);
      expect(usd.body.items).toEqual([]);
      for (const query of ['sort=price', 'limit=0', 'currency=eur']) {
        const res = await report('products', `${range()}&${query}`);
        expect([query, res.status]).toEqual([query, 400]);
      }
    });

    it('sums revenue and units per category, in JSON and CSV', async () => {
      const res = await report('categories', range());
      expect(res.status).toBe(200);
      const rows = [
        { category: audio, currency: 'EUR', units: 7, revenue: 3500 },
        { category: video, currency: 'EUR', units: 2, revenue: 5000 },
      ].sort((a, b) => (a.category < b.category ? -1 : 1));
      expect(res.body.items).toEqual(rows);
      const csv = await report('categories', range(), { Accept: 'text/csv' });
      expect(csvRecords(csv)).toEqual([
        ['category', 'currency', 'units', 'revenue'],
        ...rows.map((r) => [r.category, r.currency, String(r.units), String(r.revenue)]),
      ]);
      // Revenue is line totals; the sales report's gross is the same money.
      expect(rows.reduce((total, r) => total + r.revenue, 0)).toBe(expected.gross);
    });
  });

  describe('POST /v1/analytics/query', () => {
    const query = (body: unknown, token: string = admin, headers: Record<string, string> = {}) =>
      api.request('POST', '/v1/analytics/query', { token, body, headers });

    it('runs an allowed pipeline over a read model', async () => {
      const res = await query(
        {
          collection: 'orders',
          pipeline: [
            { $match: { customerId: customer.customerId } },
            { $group: { _id: '$status', orders: { $sum: 1 } } },
            { $sort: { _id: 1 } },
          ],
        },
        admin,
        { 'X-Min-Position': position },
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        items: [
          { _id: 'confirmed', orders: 2 },
          { _id: 'rejected', orders: 1 },
        ],
      });
      const catalog = await query({
        collection: 'catalog',
        pipeline: [{ $match: { category: audio } }, { $project: { _id: 0, name: 1 } }],
      });
      expect(catalog.body).toEqual({ items: [{ name: 'Speaker' }] });
    });

    it.each([
      ['$out', [{ $match: {} }, { $out: 'stolen' }]],
      ['$merge', [{ $merge: { into: 'catalog' } }]],
      ['$where', [{ $match: { $where: 'sleep(1000) || true' } }]],
      [
        '$function',
        [{ $addFields: { x: { $function: { body: 'function() {}', args: [], lang: 'js' } } } }],
      ],
      [
        '$accumulator',
        [{ $group: { _id: null, x: { $accumulator: { init: 'function() {}', lang: 'js' } } } }],
      ],
      ['$lookup', [{ $lookup: { from: 'sales_orders', as: 'x', pipeline: [] } }]],
    ])('refuses %s with a 400', async (operator, pipeline) => {
      const res = await query({ collection: 'catalog', pipeline });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.errors)).toContain(operator);
    });

    it('refuses an unknown collection, a malformed body or pipeline, and non-analysts', async () => {
      for (const collection of ['sales_orders', 'dead_letters', 'events', '']) {
        const res = await query({ collection, pipeline: [] });
        expect([collection, res.status]).toEqual([collection, 400]);
        expect(errorPaths(res)).toContain('body.collection');
      }
      const bad: [unknown, string][] = [
        [{ collection: 'catalog' }, 'body.pipeline'],
        [{ collection: 'catalog', pipeline: {} }, 'body.pipeline'],
        [{ collection: 'catalog', pipeline: [], extra: 1 }, 'body.extra'],
        [{ collection: 'catalog', pipeline: [{ $group: {} }] }, 'body.pipeline'],
        [{ collection: 'catalog', pipeline: [{ $match: { a: { $nope: 1 } } }] }, 'body.pipeline'],
        [{ collection: 'catalog', pipeline: [{ $project: { a: { $nope: 1 } } }] }, 'body.pipeline'],
        [
          { collection: 'catalog', pipeline: [{ $match: { name: { $regex: '(' } } }] },
          'body.pipeline',
        ],
        [{ collection: 'catalog', pipeline: [{ $limit: -1 }] }, 'body.pipeline'],
      ];
      for (const [body, path] of bad) {
        const res = await query(body);
        expect([body, res.status]).toEqual([body, 400]);
        expect(errorPaths(res).some((p) => p.startsWith(path))).toBe(true);
      }
      const pipeline = [{ $match: {} }];
      expect((await query({ collection: 'catalog', pipeline }, customer.token)).status).toBe(403);
      expect(
        (
          await api.request('POST', '/v1/analytics/query', {
            body: { collection: 'catalog', pipeline },
          })
        ).status,
      ).toBe(401);
    });

    it('answers 400 QUERY_LIMIT_EXCEEDED past 1000 results', async () => {
      // One product whose search document holds thousands of word prefixes.
      const words = Array.from({ length: 400 }, (_, i) => `word${i.toString(36)}x${'y'.repeat(8)}`);
      const created = await createProduct(api, admin, {
        name: 'Wordy',
        category: uniqueName('wordy'),
        price: 100,
        description: words.join(' '),
      });
      const res = await query(
        {
          collection: 'search',
          pipeline: [{ $match: { productId: created.productId } }, { $unwind: '$prefixes' }],
        },
        admin,
        { 'X-Min-Position': created.position },
      );
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', maxResults: 1000 });
      expect(String(res.body.detail)).toMatch(/1000/);
      const counted = await query({
        collection: 'search',
        pipeline: [
          { $match: { productId: created.productId } },
          { $unwind: '$prefixes' },
          { $count: 'prefixes' },
        ],
      });
      expect(counted.status).toBe(200);
      expect((counted.body.items as { prefixes: number }[])[0]?.prefixes).toBeGreaterThan(1000);
    });

    it('honours X-Min-Position: malformed -> 400, unreachable -> 503', async () => {
      const body = { collection: 'sales', pipeline: [{ $count: 'days' }] };
      const malformed = await query(body, admin, { 'X-Min-Position': 'later' });
      expect(malformed.status).toBe(400);
      expect(errorPaths(malformed)).toEqual(['headers.x-min-position']);
      const unreachable = await query(body, admin, { 'X-Min-Position': '999999999999' });
      expect(unreachable.status).toBe(503);
      expect(unreachable.body).toMatchObject({ code: 'CONSISTENCY_TIMEOUT', readModel: 'sales' });
      // A refused pipeline is refused before any wait.
      const refused = await query({ collection: 'sales', pipeline: [{ $out: 'x' }] }, admin, {
        'X-Min-Position': '999999999999',
      });
      expect(refused.status).toBe(400);
    });
  });

  it('documents the report and analytics routes', async () => {
    const doc = await api.request<{ paths: Record<string, Record<string, Body>> }>(
      'GET',
      '/v1/openapi.json',
    );
    const { paths } = doc.body;
    expect(paths['/v1/reports/sales']?.get).toMatchObject({ 'x-roles': ['analyst'] });
    expect(paths['/v1/reports/products']?.get).toBeDefined();
    expect(paths['/v1/reports/categories']?.get).toBeDefined();
    expect(paths['/v1/analytics/query']?.post).toMatchObject({ 'x-roles': ['analyst'] });
    const sales = paths['/v1/reports/sales']?.get as {
      responses: Record<string, { description: string }>;
    };
    expect(sales.responses['200']?.description).toMatch(/text\/csv/);
  });
});
