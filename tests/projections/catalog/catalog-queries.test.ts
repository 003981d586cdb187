import { catalogProjection } from '../../../src/projections/catalog/catalog-projection.js';
import {
  getCatalogProduct,
  listCatalog,
  type CatalogListQuery,
} from '../../../src/projections/catalog/catalog-queries.js';
import type { CatalogSort } from '../../../src/projections/catalog/catalog-sorts.js';
import { isAppError } from '../../../src/errors.js';
import type { ReadStore } from '../../../src/stores/read-store.js';
import { projectFiltered } from './project-filtered.js';
import { eur, productLog } from './product-events.js';
import { openReadStore, putDocs } from './read-store-fixture.js';

describe('catalog queries', () => {
  let store: ReadStore;

  beforeAll(async () => {
    const p = productLog();
    // a..f created on consecutive days; prices with ties (b = c = d); g is discontinued.
    const events = [
      p.created('a', { category: 'audio', price: eur(500) }),
      p.created('b', { category: 'audio', price: eur(2000) }),
      p.created('c', { category: 'books', price: eur(2000) }),
      p.created('d', { category: 'books', price: eur(2000) }),
      p.created('e', { category: 'audio', price: eur(9900) }),
      p.created('f', { category: 'books', price: eur(100) }),
      p.created('g', { category: 'audio', price: eur(700) }),
      p.discontinued('g'),
      p.received('a', 5),
      p.received('c', 1),
      p.received('e', 10),
      p.reserved('e', 'o1', 4),
      p.committed('e', 'o1', 4),
      p.received('d', 3),
      p.reserved('d', 'o2', 3),
      p.committed('d', 'o2', 3),
      p.reserved('c', 'o3', 1),
      p.reviewed('b', 'c1', 5),
      p.reviewed('c', 'c1', 4),
      p.reviewed('c', 'c2', 5),
      p.reviewed('f', 'c1', 4),
      p.reviewed('f', 'c2', 5),
      p.received('x', 3), // stock for a product never created: not listed
    ];
    store = await openReadStore();
    await store.ensureIndexes('catalog', catalogProjection.collections[0]!.indexes);
    await putDocs(store, projectFiltered(catalogProjection, events));
  });
  afterAll(() => store.close());

  const ids = async (query: CatalogListQuery) =>
    (await listCatalog(store, query)).items.map((item) => item.productId);

  /** Every page of a listing, asserting pages of `limit` and no repeats. */
  async function allPages(query: CatalogListQuery): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await listCatalog(store, { ...query, ...(cursor ? { cursor } : {}) });
      seen.push(...result.items.map((item) => item.productId));
      if (result.nextCursor === null) return seen;
      expect(result.items).toHaveLength(query.limit ?? 20);
      cursor = result.nextCursor;
    }
    throw new Error('no last page');
  }

  it.each<[CatalogSort, string[]]>([
    ['price', ['f', 'a', 'b', 'c', 'd', 'e']],
    ['-price', ['e', 'd', 'c', 'b', 'a', 'f']],
    ['rating', ['b', 'c', 'f', 'a', 'd', 'e']],
    ['newest', ['f', 'e', 'd', 'c', 'b', 'a']],
    ['bestselling', ['e', 'd', 'a', 'b', 'c', 'f']],
  ])('sorts by %s, ties by id, the same in pages of any size', async (sort, expected) => {
    expect(await ids({ sort })).toEqual(expected);
    for (const limit of [1, 2, 4]) expect(await allPages({ sort, limit })).toEqual(expected);
  });

  it('answers products with stock, rating and sales', async () => {
    const { items } = await listCatalog(store, { sort: 'price', limit: 1 });
    expect(items).toEqual([
      {
        productId: 'f',
        sku: 'SKU-f',
        name: 'Product f',
        description: '',
        category: 'books',
        price: eur(100),
        attributes: {},
        status: 'active',
        onHand: 0,
        reserved: 0,
        available: 0,
        rating: 4.5,
        reviewCount: 2,
        unitsSold: 0,
        createdAt: '2026-03-06T10:00:00.000Z',
      },
    ]);
  });

  it('filters by category, price range (minor units, inclusive) and stock', async () => {
    expect(await ids({ sort: 'price', category: 'audio' })).toEqual(['a', 'b', 'e']);
    expect(await ids({ sort: 'price', minPrice: 500, maxPrice: 2000 })).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(await ids({ sort: 'price', inStock: true })).toEqual(['a', 'e']);
    expect(await ids({ sort: 'price', inStock: false, category: 'books' })).toEqual([
      'f',
      'c',
      'd',
    ]);
    expect(await allPages({ sort: '-price', category: 'books', limit: 1 })).toEqual([
      'd',
      'c',
      'f',
    ]);
  });

  it('leaves discontinued products out unless asked for', async () => {
    expect(await ids({ sort: 'price' })).not.toContain('g');
    expect(await ids({ sort: 'price', includeDiscontinued: true, category: 'audio' })).toEqual([
      'a',
      'g',
      'b',
      'e',
    ]);
  });

  it('lists newest first with 20 per page by default', async () => {
    const page = await listCatalog(store, {});
    expect(page.items.map((item) => item.productId)).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);
    expect(page.nextCursor).toBeNull();
  });

  it('gets one product, discontinued included', async () => {
    expect(await getCatalogProduct(store, 'e')).toMatchObject({
      productId: 'e',
      onHand: 6,
      available: 6,
      unitsSold: 4,
    });
    expect(await getCatalogProduct(store, 'g')).toMatchObject({ status: 'discontinued' });
    expect(await getCatalogProduct(store, 'x')).toBeUndefined();
    expect(await getCatalogProduct(store, 'nope')).toBeUndefined();
  });

  it('refuses bad limits, sorts, prices and cursors with a 400 naming the field', async () => {
    const fieldOf = async (query: CatalogListQuery) => {
      try {
        await listCatalog(store, query);
      } catch (error) {
        if (isAppError(error) && error.code === 'VALIDATION_FAILED') {
          return (error.details?.errors as { path: string }[])[0]?.path;
        }
        throw error;
      }
      return undefined;
    };
    const { nextCursor } = await listCatalog(store, { sort: 'price', limit: 1 });
    expect(await fieldOf({ limit: 0 })).toBe('query.limit');
    expect(await fieldOf({ limit: 101 })).toBe('query.limit');
    expect(await fieldOf({ limit: 1.5 })).toBe('query.limit');
    expect(await fieldOf({ sort: 'name' as CatalogSort })).toBe('query.sort');
    expect(await fieldOf({ sort: 'constructor' as CatalogSort })).toBe('query.sort');
    expect(await fieldOf({ minPrice: -1 })).toBe('query.minPrice');
    expect(await fieldOf({ cursor: 'not a cursor' })).toBe('query.cursor');
    expect(await fieldOf({ cursor: 'bm9wZQ' })).toBe('query.cursor');
    expect(await fieldOf({ sort: 'newest', cursor: nextCursor! })).toBe('query.cursor');
    expect(await fieldOf({ sort: 'price', cursor: nextCursor! })).toBeUndefined();
  });
});
