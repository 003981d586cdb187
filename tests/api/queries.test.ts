import { startApi, TEST_CONSISTENCY_WAIT_MS, type Api } from '../support/api-harness.js';
import { settleOrder } from '../support/order-api.js';
import {
  createProduct,
  errorPaths,
  latest,
  order,
  readAfter,
  receive,
  uniqueName,
  type Body,
} from './query-api.js';

type Item = Body & { productId: string; price: { amount: number; currency: string } };

describe('query API (read models)', () => {
  let api: Api;
  let admin: string;
  let customer: { customerId: string; token: string };
  beforeAll(async () => {
    api = await startApi();
    admin = await api.adminToken();
    customer = await api.customer();
  });
  afterAll(() => api.stop());

  const ids = (res: { body: Body }) => (res.body.items as Item[]).map((item) => item.productId);

  describe('GET /v1/catalog', () => {
    let category: string;
    let products: string[];
    let position: string;
    const prices = [2500, 500, 4500, 1500, 3500];

    beforeAll(async () => {
      category = uniqueName('cat');
      products = [];
      const positions: string[] = [];
      for (const [i, price] of prices.entries()) {
        const created = await createProduct(api, admin, { name: `Item ${i}`, category, price });
        products.push(created.productId);
        positions.push(created.position);
        // Products 0, 2 and 4 have stock.
        if (i % 2 === 0) positions.push(await receive(api, admin, created.productId, 3 + i));
      }
      position = latest(positions);
    });

    const list = (query: string) =>
      readAfter(api, `/v1/catalog?category=${category}${query}`, position);

    it('lists a category newest first with availability, rating and price in minor units', async () => {
      const res = await list('');
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual([...products].reverse());
      expect(res.body.nextCursor).toBeNull();
      const first = (res.body.items as Item[])[products.length - 1];
      expect(first).toEqual({
        productId: products[0],
        sku: expect.any(String),
        name: 'Item 0',
        description: 'A product',
        category,
        price: { amount: 2500, currency: 'EUR' },
        attributes: {},
        status: 'active',
        available: 3,
        rating: 0,
        reviewCount: 0,
        createdAt: expect.any(String),
      });
    });

    it('sorts by price both ways', async () => {
      const amounts = async (sort: string) =>
        ((await list(`&sort=${sort}`)).body.items as Item[]).map((i) => i.price.amount);
      expect(await amounts('price')).toEqual([...prices].sort((a, b) => a - b));
      expect(await amounts('-price')).toEqual([...prices].sort((a, b) => b - a));
    });

    it('filters by price range (inclusive) and by stock', async () => {
      const ranged = await list('&minPrice=1500&maxPrice=3500&sort=price');
      expect((ranged.body.items as Item[]).map((i) => i.price.amount)).toEqual([1500, 2500, 3500]);
      const inStock = await list('&inStock=true');
      expect(ids(inStock).sort()).toEqual([products[0], products[2], products[4]].sort());
      const outOfStock = await list('&inStock=false');
      expect(ids(outOfStock).sort()).toEqual([products[1], products[3]].sort());
    });

    it('pages with limit and cursor until nextCursor is null', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await list(`&sort=price&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect((res.body.items as Item[]).length).toBeLessThanOrEqual(2);
        seen.push(...ids(res));
        cursor = res.body.nextCursor as string | null;
        pages++;
      } while (cursor !== null);
      expect(pages).toBe(3);
      expect(seen).toEqual(ids(await list('&sort=price')));
    });

    it('refuses bad parameters with a 400 naming each', async () => {
      const cases: [string, string][] = [
        ['limit=0', 'query.limit'],
        ['limit=101', 'query.limit'],
        ['limit=ten', 'query.limit'],
        ['sort=cheapest', 'query.sort'],
        ['minPrice=-1', 'query.minPrice'],
        ['minPrice=1.5', 'query.minPrice'],
        ['inStock=yes', 'query.inStock'],
        ['minPrice=10&maxPrice=5', 'query.maxPrice'],
        ['cursor=not-a-cursor', 'query.cursor'],
        ['colour=red', 'query.colour'],
      ];
      for (const [query, path] of cases) {
        const res = await api.request('GET', `/v1/catalog?${query}`);
        expect([query, res.status, res.headers.get('content-type')]).toEqual([
          query,
          400,
          expect.stringContaining('application/problem+json'),
        ]);
        expect(errorPaths(res)).toContain(path);
      }
      // A cursor of another ordering is not one this listing returned.
      const page = await list('&sort=price&limit=1');
      const other = await api.request(
        'GET',
        `/v1/catalog?sort=newest&cursor=${String(page.body.nextCursor)}`,
      );
      expect(other.status).toBe(400);
    });

    it('rejects operator injection and repeated parameters, with no effect', async () => {
      for (const query of [
        'category[$ne]=x',
        'category[$gt]=',
        'minPrice[$gt]=0',
        `category=${category}&category=other`,
      ]) {
        const res = await api.request('GET', `/v1/catalog?${query}`);
        expect([query, res.status]).toEqual([query, 400]);
        expect(errorPaths(res).some((path) => path.startsWith('query.'))).toBe(true);
      }
      const search = await api.request('GET', '/v1/search?q[$ne]=x');
      expect(search.status).toBe(400);
    });

    it('shows availability after stock and orders, and sorts by bestselling', async () => {
      const cat = uniqueName('avail');
      const a = await createProduct(api, admin, { name: 'Kettle', category: cat, price: 1000 });
      const b = await createProduct(api, admin, { name: 'Toaster', category: cat, price: 1000 });
      await receive(api, admin, a.productId, 5);
      const received = await receive(api, admin, b.productId, 5);
      const before = await readAfter(api, `/v1/catalog/${a.productId}`, received);
      expect(before.body.available).toBe(5);

      const placed = await order(api, customer.token, [{ productId: a.productId, quantity: 2 }]);
      expect(placed.status).toBe('confirmed');
      const after = await readAfter(api, `/v1/catalog/${a.productId}`, placed.position);
      expect(after.body).toMatchObject({ productId: a.productId, available: 3 });

      // Committing the reservation (a sale) comes after the confirmation.
      await settleOrder(api, placed.orderId);
      const head = String(await api.engine.eventStore.headPosition());
      const best = await readAfter(api, `/v1/catalog?category=${cat}&sort=bestselling`, head);
      expect(ids(best)).toEqual([a.productId, b.productId]);
      expect((best.body.items as Item[])[0]).toMatchObject({ available: 3 });
      const inStock = await readAfter(api, `/v1/catalog?category=${cat}&inStock=true`, head);
      expect(ids(inStock)).toHaveLength(2);
    });
  });

  describe('GET /v1/catalog/:productId', () => {
    it('answers one product, 404 for an unknown one, 400 for a malformed id', async () => {
      const created = await createProduct(api, admin, {
        name: 'Lamp',
        category: uniqueName('one'),
        price: 1999,
        attributes: { colour: 'red' },
      });
      const res = await readAfter(api, `/v1/catalog/${created.productId}`, created.position);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        productId: created.productId,
        name: 'Lamp',
        price: { amount: 1999, currency: 'EUR' },
        attributes: { colour: 'red' },
        available: 0,
      });
      expect(res.body).not.toHaveProperty('onHand');
      expect((await api.request('GET', '/v1/catalog/no-such-product')).status).toBe(404);
      expect((await api.request('GET', '/v1/catalog/bad%20id')).status).toBe(400);
    });

    it('keeps a discontinued product reachable but out of the list', async () => {
      const category = uniqueName('disc');
      const created = await createProduct(api, admin, { name: 'Old', category, price: 100 });
      const gone = await api.request('POST', `/v1/products/${created.productId}/discontinue`, {
        token: admin,
        body: {},
      });
      const position = String(gone.body.position);
      const one = await readAfter(api, `/v1/catalog/${created.productId}`, position);
      expect(one.body).toMatchObject({ status: 'discontinued' });
      const list = await readAfter(api, `/v1/catalog?category=${category}`, position);
      expect(list.body.items).toEqual([]);
    });
  });

  describe('GET /v1/search', () => {
    let category: string;
    let position: string;
    const made: Record<string, string> = {};

    beforeAll(async () => {
      category = uniqueName('search');
      const products: [string, string, number][] = [
        ['laptop', 'Laptop Pro 14 inch', 129_900],
        ['creme', 'Crème brûlée torch', 2_500],
        ['cafe', 'Cafe racer helmet', 8_900],
        ['earbuds', '无线蓝牙耳机', 4_900],
        ['lapdesk', 'Lap desk', 3_000],
      ];
      const positions: string[] = [];
      for (const [key, name, price] of products) {
        const created = await createProduct(api, admin, { name, category, price });
        made[key] = created.productId;
        positions.push(created.position);
      }
      const other = await createProduct(api, admin, {
        name: 'Laptop sleeve',
        category: uniqueName('other'),
        price: 1_500,
      });
      made.sleeve = other.productId;
      positions.push(other.position);
      position = latest(positions);
    });

    const search = (query: string) =>
      readAfter(api, `/v1/search?${query}&category=${encodeURIComponent(category)}`, position);
    const found = async (q: string) => ids(await search(`q=${encodeURIComponent(q)}`));

    it('finds words by their start ("lapt" -> laptop), with a score', async () => {
      const res = await search('q=lapt');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 1, facets: {}, nextCursor: null });
      expect(res.body.items).toEqual([
        expect.objectContaining({ productId: made.laptop, score: expect.any(Number) }),
      ]);
      expect(((res.body.items as Item[])[0]?.score as number) > 0).toBe(true);
      // Every word must match; "lap" also finds "Lap desk", and the whole word scores higher.
      const lap = await search('q=lap');
      expect(ids(lap)).toEqual([made.lapdesk, made.laptop]);
      expect(await found('laptop pro')).toEqual([made.laptop]);
      expect(await found('laptop helmet')).toEqual([]);
    });

    it('folds case and accents both ways', async () => {
      expect(await found('creme brulee')).toEqual([made.creme]);
      expect(await found('CRÈME')).toEqual([made.creme]);
      expect(await found('café')).toEqual([made.cafe]);
      expect(await found('CAFE')).toEqual([made.cafe]);
    });

    it('finds a Chinese product name by one of its words', async () => {
      expect(await found('耳机')).toEqual([made.earbuds]);
      expect(await found('蓝牙')).toEqual([made.earbuds]);
    });

    it('answers facets over every match, and filters by price', async () => {
      const res = await readAfter(api, `/v1/search?q=lapt&facets=category,price`, position);
      expect(res.status).toBe(200);
      expect(ids(res).sort()).toEqual([made.laptop, made.sleeve].sort());
      expect(res.body.total).toBe(2);
      const facets = res.body.facets as {
        category: { category: string; count: number }[];
        price: { band: string; count: number }[];
      };
      expect(facets.category).toEqual(
        expect.arrayContaining([
          { category, count: 1 },
          { category: expect.stringMatching(/^other-/), count: 1 },
        ]),
      );
      const bands = Object.fromEntries(facets.price.map((b) => [b.band, b.count]));
      expect(bands).toMatchObject({ '10-50': 1, '>=500': 1, '<10': 0 });

      const cheap = await search('maxPrice=5000&sort=price');
      expect((cheap.body.items as Item[]).map((i) => i.price.amount)).toEqual([2500, 3000, 4900]);
      expect(cheap.body.total).toBe(3);
      const paged = await search('sort=price&limit=2');
      expect(paged.body.total).toBe(5);
      expect((paged.body.items as Item[]).length).toBe(2);
      expect(typeof paged.body.nextCursor).toBe('string');
    });

    it('refuses bad parameters', async () => {
      for (const [query, path] of [
        ['facets=colour', 'query.facets'],
        ['sort=rating', 'query.sort'],
        ['limit=500', 'query.limit'],
        ['page=2', 'query.page'],
        [`q=${Array.from({ length: 20 }, (_, i) => `w${i}`).join('+')}`, 'query.q'],
      ]) {
        const res = await api.request('GET', `/v1/search?${query}`);
        expect([query, res.status]).toEqual([query, 400]);
        expect(errorPaths(res)).toContain(path);
      }
    });
  });

  describe('GET /v1/recommendations/:productId', () => {
    it('recommends the products bought together in confirmed orders, most often first', async () => {
      const category = uniqueName('rec');
      const [a, b, c] = await Promise.all(
        ['Tent', 'Sleeping bag', 'Stove'].map((name) =>
          createProduct(api, admin, { name, category, price: 5000 }),
        ),
      );
      if (!a || !b || !c) throw new Error('products not created');
      for (const p of [a, b, c]) await receive(api, admin, p.productId, 10);
      const line = (p: { productId: string }) => ({ productId: p.productId, quantity: 1 });

      await order(api, customer.token, [line(a), line(b)]);
      await order(api, customer.token, [line(a), line(c)]);
      const last = await order(api, customer.token, [line(b), line(a)]);
      expect(last.status).toBe('confirmed');
      const declined = await order(api, customer.token, [line(a), line(c)], {
        payment: { method: 'card', token: 'tok_declined' },
      });
      expect(declined.status).toBe('rejected');

      const res = await readAfter(
        api,
        `/v1/recommendations/${a.productId}`,
        latest([last.position, declined.position]),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        productId: a.productId,
        items: [
          {
            productId: b.productId,
            count: 2,
            name: 'Sleeping bag',
            price: { amount: 5000, currency: 'EUR' },
            available: expect.any(Number),
          },
          expect.objectContaining({ productId: c.productId, count: 1 }),
        ],
      });
      const one = await readAfter(api, `/v1/recommendations/${a.productId}?limit=1`, last.position);
      expect(ids(one)).toEqual([b.productId]);
      const fresh = await createProduct(api, admin, { name: 'Lonely', category, price: 1 });
      const none = await readAfter(api, `/v1/recommendations/${fresh.productId}`, fresh.position);
      expect(none.body).toEqual({ productId: fresh.productId, items: [] });
    });

    it('answers 404 for an unknown product', async () => {
      const res = await api.request('GET', '/v1/recommendations/no-such-product');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });
  });

  describe('GET /v1/me/orders', () => {
    it("shows only the caller's orders, newest first, a rejected one with its reason", async () => {
      const category = uniqueName('hist');
      const product = await createProduct(api, admin, { name: 'Mug', category, price: 800 });
      await receive(api, admin, product.productId, 20);
      const me = await api.customer('Historian');
      const someoneElse = await api.customer('Other');
      const line = { productId: product.productId, quantity: 1 };

      const first = await order(api, me.token, [line]);
      const second = await order(api, me.token, [{ ...line, quantity: 2 }]);
      const rejected = await order(api, me.token, [line], {
        payment: { method: 'card', token: 'tok_declined' },
      });
      const theirs = await order(api, someoneElse.token, [line]);
      expect([first.status, second.status, rejected.status]).toEqual([
        'confirmed',
        'confirmed',
        'rejected',
      ]);
      const position = latest([
        first.position,
        second.position,
        rejected.position,
        theirs.position,
      ]);

      const res = await readAfter(api, '/v1/me/orders', position, me.token);
      expect(res.status).toBe(200);
      const items = res.body.items as Body[];
      expect(items.map((o) => o.orderId)).toEqual([
        rejected.orderId,
        second.orderId,
        first.orderId,
      ]);
      expect(items[0]).toMatchObject({
        orderId: rejected.orderId,
        customerId: me.customerId,
        status: 'rejected',
        reason: 'PAYMENT_DECLINED',
        totals: { total: { amount: 800, currency: 'EUR' } },
      });
      expect(items[1]).toMatchObject({
        status: 'confirmed',
        lines: [{ productId: product.productId, quantity: 2 }],
        totals: { total: { amount: 1600, currency: 'EUR' } },
      });
      expect(items[0]).not.toHaveProperty('_id');
      expect(JSON.stringify(items)).not.toContain('tok_');
      expect(res.body.nextCursor).toBeNull();

      const page1 = await readAfter(api, '/v1/me/orders?limit=2', position, me.token);
      expect((page1.body.items as Body[]).map((o) => o.orderId)).toEqual([
        rejected.orderId,
        second.orderId,
      ]);
      const page2 = await api.request(
        'GET',
        `/v1/me/orders?limit=2&cursor=${String(page1.body.nextCursor)}`,
        { token: me.token },
      );
      expect(page2.body).toEqual({
        items: [expect.objectContaining({ orderId: first.orderId })],
        nextCursor: null,
      });

      const other = await readAfter(api, '/v1/me/orders', position, someoneElse.token);
      expect((other.body.items as Body[]).map((o) => o.orderId)).toEqual([theirs.orderId]);
    });

    it('is for signed-in customers, with valid paging', async () => {
      expect((await api.request('GET', '/v1/me/orders')).status).toBe(401);
      expect((await api.request('GET', '/v1/me/orders', { token: admin })).status).toBe(403);
      for (const [query, path] of [
        ['limit=0', 'query.limit'],
        ['cursor=zzz', 'query.cursor'],
        ['customerId=someone', 'query.customerId'],
      ]) {
        const res = await api.request('GET', `/v1/me/orders?${query}`, { token: customer.token });
        expect([query, res.status]).toEqual([query, 400]);
        expect(errorPaths(res)).toContain(path);
      }
    });
  });

  describe('X-Min-Position', () => {
    it('reads your own writes: a query answers once its read model has the write', async () => {
      const category = uniqueName('ryw');
      const created = await createProduct(api, admin, { name: 'Fresh', category, price: 700 });
      const one = await readAfter(api, `/v1/catalog/${created.productId}`, created.position);
      expect(one.status).toBe(200);
      expect(one.body.name).toBe('Fresh');

      const renamed = await api.request('PATCH', `/v1/products/${created.productId}`, {
        token: admin,
        body: { name: 'Renamed' },
      });
      const position = String(renamed.body.position);
      const [list, found] = await Promise.all([
        readAfter(api, `/v1/catalog?category=${category}`, position),
        readAfter(api, `/v1/search?q=renamed&category=${category}`, position),
      ]);
      expect((list.body.items as Item[]).map((i) => i.name)).toEqual(['Renamed']);
      expect(ids(found)).toEqual([created.productId]);
      // A position the read model passed long ago answers at once.
      expect((await readAfter(api, '/v1/catalog?limit=1', '0')).status).toBe(200);
    });

    it('answers 400 for a malformed position', async () => {
      for (const value of ['soon', '-1', '1/2/3', '']) {
        const res = await readAfter(api, '/v1/catalog', value);
        expect([value, res.status]).toEqual([value, 400]);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(errorPaths(res)).toEqual(['headers.x-min-position']);
      }
    });

    it('answers 503 CONSISTENCY_TIMEOUT when the read model does not get there in time', async () => {
      const started = Date.now();
      const [res, history] = await Promise.all([
        readAfter(api, '/v1/catalog', '999999999999'),
        readAfter(api, '/v1/me/orders', '999999999999', customer.token),
      ]);
      const waited = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toMatchObject({
        code: 'CONSISTENCY_TIMEOUT',
        readModel: 'catalog',
        position: '999999999999',
      });
      expect(waited).toBeGreaterThanOrEqual(TEST_CONSISTENCY_WAIT_MS - 50);
      expect(history.status).toBe(503);
      expect(history.body).toMatchObject({ code: 'CONSISTENCY_TIMEOUT', readModel: 'orders' });
    });

    it('still only checks the form on GET /v1/orders/:id, which reads the order itself', async () => {
      const product = await createProduct(api, admin, {
        name: 'Direct',
        category: uniqueName('direct'),
        price: 100,
      });
      await receive(api, admin, product.productId, 1);
      const placed = await order(api, customer.token, [
        { productId: product.productId, quantity: 1 },
      ]);
      const res = await readAfter(
        api,
        `/v1/orders/${placed.orderId}`,
        '999999999999',
        customer.token,
      );
      expect(res.status).toBe(200);
    });
  });

  it('documents the query routes in the OpenAPI document', async () => {
    const doc = await api.request<{ paths: Record<string, Record<string, Body>> }>(
      'GET',
      '/v1/openapi.json',
    );
    const paths = doc.body.paths;
    for (const path of [
      '/v1/catalog',
      '/v1/catalog/{productId}',
      '/v1/search',
      '/v1/recommendations/{productId}',
      '/v1/me/orders',
    ]) {
      expect(paths[path]?.get).toBeDefined();
    }
    const params = (paths['/v1/catalog']?.get?.parameters ?? []) as { name: string }[];
    expect(params.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'category',
        'minPrice',
        'maxPrice',
        'inStock',
        'sort',
        'limit',
        'cursor',
      ]),
    );
  });
});
