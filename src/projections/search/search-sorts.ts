import type { IndexSpec } from '../../stores/read-store.js';
import { catalogOrderings } from '../catalog/catalog-sorts.js';
import { byId, indexFor, type Ordering } from '../catalog/keyset.js';

export type SearchSort = 'relevance' | 'price' | '-price' | 'newest';

export const searchOrderings: Readonly<Record<SearchSort, Ordering>> = {
  relevance: {
    name: 'relevance',
    keys: [{ field: 'score', direction: -1, type: 'number' }, byId],
  },
  price: catalogOrderings.price,
  '-price': catalogOrderings['-price'],
  newest: catalogOrderings.newest,
};

export const searchSorts = Object.keys(searchOrderings) as SearchSort[];

/**
 * Words find candidates through the search keys (a multikey index whose other
 * keys let counts and facets come from the index alone); browsing without
 * words uses the others.
 */
export const searchIndexes: readonly IndexSpec[] = [
  {
    name: 'by_search_keys',
    keys: { searchKeys: 1, status: 1, category: 1, priceBand: 1, 'price.amount': 1 },
  },
  indexFor(searchOrderings.price, ['status']),
  indexFor(searchOrderings.price, ['category', 'status']),
  indexFor(searchOrderings.newest, ['status']),
];
