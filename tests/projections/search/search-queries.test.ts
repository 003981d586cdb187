import { isAppError } from '../../../src/errors.js';
import { searchProjection } from '../../../src/projections/search/search-projection.js';
import {
  searchProducts,
  type SearchQuery,
} from '../../../src/projections/search/search-queries.js';
import type { ReadStore } from '../../../src/stores/read-store.js';
import { projectFiltered } from '../catalog/project-filtered.js';
import { eur, productLog } from '../catalog/product-events.js';
import { openReadStore, putDocs } from '../catalog/read-store-fixture.js';

describe('search queries', () => {
  let store: ReadStore;

  beforeAll(async () => {
    const p = productLog();
    const events = [
      p.created('l1', { name: 'Laptop Pro 14', category: 'computers', price: eur(129900) }),
      p.created('l2', { name: 'Gaming Laptop', category: 'computers', price: eur(89900) }),
      p.created('l3', { name: 'Laptop Bag', category: 'accessories', price: eur(4900) }),
      p.created('sl', {
        name: 'Sleeve',
        description: 'Fits any laptop',
        category: 'accessories',
        price: eur(1900),
      }),
      p.created('ls', { name: 'Stand', description: 'For laptops', category: 'accessories' }),
      p.created('lp', { name: 'Lapis necklace', category: 'jewellery', price: eur(5000) }),
      p.created('cr', {
        name: 'Crème brûlée set',
        category: 'kitchen',
        price: eur(2500),
        attributes: { material: 'Céramique' },
      }),
      p.created('cc', { name: 'Creme Caramel', category: 'kitchen', price: eur(900) }),
      p.created('zh', { name: '无线蓝牙耳机', category: 'audio', price: eur(19900) }),
      p.created('ja', { name: 'ワイヤレスイヤホン', category: 'audio', price: eur(15900) }),
      p.created('old', { name: 'Old Laptop', category: 'computers', price: eur(100) }),
      p.discontinued('old'),
      p.received('l1', 5),
      p.received('l3', 2),
      p.reserved('l3', 'o1', 2),
    ];
    store = await openReadStore();
    await store.ensureIndexes('search', searchProjection.collections[0]!.indexes);
    await putDocs(store, projectFiltered(searchProjection, events));
  });
  afterAll(() => store.close());

  const ids = async (query: SearchQuery) =>
    (await searchProducts(store, query)).items.map((item) => item.productId);
  const scores = async (query: SearchQuery) =>
    Object.fromEntries(
      (await searchProducts(store, query)).items.map((item) => [item.productId, item.score]),
    );

  it('finds words by their start: "lapt" finds laptops, not lapis', async () => {
    expect(await ids({ q: 'lapt' })).toEqual(['l1', 'l2', 'l3', 'ls', 'sl']);
    expect(await ids({ q: 'lap' })).toContain('lp');
  });

  it('scores whole words over prefixes, and names over other text', async () => {
    expect(await scores({ q: 'laptop' })).toEqual({ l1: 5, l2: 5, l3: 5, sl: 3, ls: 1 });
    expect(await ids({ q: 'laptop' })).toEqual(['l1', 'l2', 'l3', 'sl', 'ls']);
    expect(await scores({ q: 'lapt' })).toEqual({ l1: 3, l2: 3, l3: 3, sl: 1, ls: 1 });
  });

  it('folds accents both ways and case', async () => {
    expect(await ids({ q: 'creme' })).toEqual(['cc', 'cr']);
    expect(await ids({ q: 'CREME' })).toEqual(['cc', 'cr']);
    expect(await ids({ q: 'crème' })).toEqual(['cc', 'cr']);
    expect(await ids({ q: 'Brûl' })).toEqual(['cr']);
    expect(await ids({ q: 'ceramique' })).toEqual(['cr']);
  });

  it('needs every word (AND), in any order', async () => {
    expect(await ids({ q: 'laptop pro' })).toEqual(['l1']);
    expect(await ids({ q: 'pro LAPTOP' })).toEqual(['l1']);
    expect(await ids({ q: 'gam lap' })).toEqual(['l2']);
    expect(await ids({ q: 'laptop caramel' })).toEqual([]);
    expect((await searchProducts(store, { q: 'laptop pro' })).items[0]?.score).toBe(10);
  });

  it('finds Chinese and Japanese names by one of their words or characters', async () => {
    expect(await ids({ q: '耳机' })).toEqual(['zh']);
    expect(await ids({ q: '蓝牙耳机' })).toEqual(['zh']);
    expect(await ids({ q: '蓝牙' })).toEqual(['zh']);
    expect(await ids({ q: '机' })).toEqual(['zh']);
    expect(await ids({ q: 'イヤホン' })).toEqual(['ja']);
    expect(await ids({ q: 'ワイヤレス' })).toEqual(['ja']);
  });

  it('leaves discontinued products out', async () => {
    expect(await ids({ q: 'old' })).toEqual([]);
  });

  it('answers items with score and available stock, and the total', async () => {
    const result = await searchProducts(store, { q: 'laptop bag' });
    expect(result).toEqual({
      items: [
        {
          productId: 'l3',
          sku: 'SKU-l3',
          name: 'Laptop Bag',
          category: 'accessories',
          price: eur(4900),
          available: 0,
          createdAt: '2026-03-03T10:00:00.000Z',
          score: 10,
        },
      ],
      total: 1,
      nextCursor: null,
      facets: {},
    });
  });

  it('shows each item with its stock, kept apart from its words', async () => {
    const { items } = await searchProducts(store, { q: 'lapt', sort: 'price' });
    expect(Object.fromEntries(items.map((item) => [item.productId, item.available]))).toEqual({
      ls: 0,
      sl: 0,
      l3: 0,
      l2: 0,
      l1: 5,
    });
  });

  it('filters by category and price (minor units, inclusive)', async () => {
    expect(await ids({ q: 'laptop', category: 'accessories' })).toEqual(['l3', 'sl', 'ls']);
    expect(await ids({ q: 'lapt', minPrice: 4900, maxPrice: 89900 })).toEqual(['l2', 'l3']);
    expect((await searchProducts(store, { q: 'lapt', maxPrice: 1900 })).total).toBe(2);
  });

  it('sorts by price either way and by newest', async () => {
    expect(await ids({ q: 'lapt', sort: 'price' })).toEqual(['ls', 'sl', 'l3', 'l2', 'l1']);
    expect(await ids({ q: 'lapt', sort: '-price' })).toEqual(['l1', 'l2', 'l3', 'sl', 'ls']);
    expect(await ids({ q: 'lapt', sort: 'newest' })).toEqual(['ls', 'sl', 'l3', 'l2', 'l1']);
  });

  it('lists everything active, newest first, without words', async () => {
    const result = await searchProducts(store, { q: '  ' });
    expect(result.total).toBe(10);
    expect(result.items[0]).toMatchObject({ productId: 'ja', score: 0 });
  });

  it('pages with a cursor in every order, the same as one page', async () => {
    for (const sort of ['relevance', 'price', '-price', 'newest'] as const) {
      const query = { q: 'lap', sort };
      const whole = await ids(query);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchProducts(store, { ...query, limit: 2, ...(cursor && { cursor }) });
        expect(page.total).toBe(6);
        paged.push(...page.items.map((item) => item.productId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(whole);
      expect(paged).toHaveLength(6);
    }
  });

  it('counts facets, each ignoring its own filter', async () => {
    const { facets, total } = await searchProducts(store, {
      q: 'lapt',
      category: 'accessories',
      maxPrice: 5000,
      facets: ['category', 'price'],
    });
    expect(total).toBe(3);
    expect(facets).toEqual({
      // Computers match "lapt" but cost more than 50.00.
      category: [{ category: 'accessories', count: 3 }],
      price: [
        { band: '<10', max: 1000, count: 0 },
        { band: '10-50', min: 1000, max: 5000, count: 3 },
        { band: '50-100', min: 5000, max: 10000, count: 0 },
        { band: '100-500', min: 10000, max: 50000, count: 0 },
        { band: '>=500', min: 50000, count: 0 },
      ],
    });
    const wide = await searchProducts(store, { q: 'lapt', facets: ['category', 'price'] });
    expect(wide.facets).toEqual({
      category: [
        { category: 'accessories', count: 3 },
        { category: 'computers', count: 2 },
      ],
      price: [
        { band: '<10', max: 1000, count: 0 },
        { band: '10-50', min: 1000, max: 5000, count: 3 },
        { band: '50-100', min: 5000, max: 10000, count: 0 },
        { band: '100-500', min: 10000, max: 50000, count: 0 },
        { band: '>=500', min: 50000, count: 2 },
      ],
    });
  });

  it('refuses too many words, unknown sorts and facets, and bad cursors', async () => {
    const fieldOf = async (query: SearchQuery) => {
      try {
        await searchProducts(store, query);
      } catch (error) {
        if (isAppError(error) && error.code === 'VALIDATION_FAILED') {
          return (error.details?.errors as { path: string }[])[0]?.path;
        }
        throw error;
      }
      return undefined;
    };
    expect(await fieldOf({ q: Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ') })).toBe(
      'query.q',
    );
    expect(await fieldOf({ q: 'x', sort: 'rating' as 'price' })).toBe('query.sort');
    expect(await fieldOf({ q: 'x', facets: ['brand' as 'price'] })).toBe('query.facets');
    expect(await fieldOf({ q: 'x', limit: 0 })).toBe('query.limit');
    const { nextCursor } = await searchProducts(store, { q: 'lap', limit: 1 });
    expect(await fieldOf({ q: 'lap', sort: 'price', cursor: nextCursor! })).toBe('query.cursor');
  });
});
