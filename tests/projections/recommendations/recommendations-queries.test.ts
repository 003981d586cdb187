import { isAppError } from '../../../src/errors.js';
import { catalogProjection } from '../../../src/projections/catalog/catalog-projection.js';
import { recommendationsProjection } from '../../../src/projections/recommendations/recommendations-projection.js';
import { recommendationsFor } from '../../../src/projections/recommendations/recommendations-queries.js';
import type { ReadStore } from '../../../src/stores/read-store.js';
import { projectFiltered } from '../catalog/project-filtered.js';
import { eur } from '../catalog/product-events.js';
import { openReadStore, putDocs } from '../catalog/read-store-fixture.js';
import { orderLog } from './order-events.js';

describe('recommendations queries', () => {
  let store: ReadStore;

  beforeAll(async () => {
    const o = orderLog();
    const events = [
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((id) =>
        o.created(id, { name: `Name ${id}`, price: eur(100 * id.charCodeAt(0)) }),
      ),
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => o.received(id, 10)),
      o.discontinued('e'),
      ...o.bought('o1', ['a', 'b', 'c']),
      ...o.bought('o2', ['a', 'c', 'e']),
      ...o.bought('o3', ['a', 'd', 'e']),
      ...o.bought('o4', ['a', 'e', 'x']), // x is not in the catalog
      ...o.bought('o5', ['a', 'f']),
    ];
    store = await openReadStore();
    await putDocs(store, projectFiltered(catalogProjection, events));
    await putDocs(store, projectFiltered(recommendationsProjection, events));
  });
  afterAll(() => store.close());

  it('ranks products bought together, ties by id, with catalog name, price and stock', async () => {
    expect(await recommendationsFor(store, 'a')).toEqual([
      { productId: 'c', count: 2, name: 'Name c', price: eur(9900), available: 8 },
      { productId: 'b', count: 1, name: 'Name b', price: eur(9800), available: 9 },
      { productId: 'd', count: 1, name: 'Name d', price: eur(10000), available: 9 },
      { productId: 'f', count: 1, name: 'Name f', price: eur(10200), available: 9 },
    ]);
  });

  it('passes over products no longer for sale, still filling the limit', async () => {
    const ids = async (limit: number) =>
      (await recommendationsFor(store, 'a', limit)).map((r) => r.productId);
    expect(await ids(1)).toEqual(['c']);
    expect(await ids(2)).toEqual(['c', 'b']);
    expect(await ids(3)).toEqual(['c', 'b', 'd']);
  });

  it('answers nothing for a product never bought with another', async () => {
    expect(await recommendationsFor(store, 'zzz')).toEqual([]);
  });

  it('refuses a limit outside 1..100', async () => {
    const error = await recommendationsFor(store, 'a', 0).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('VALIDATION_FAILED');
  });
});
