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

/** Words find candidates through the prefixes index; browsing without words uses the others. */
export const searchIndexes: readonly IndexSpec[] = [
  { name: 'by_prefixes', keys: { prefixes: 1 } },
  indexFor(searchOrderings.price, ['status']),
  indexFor(searchOrderings.price, ['category', 'status']),
  indexFor(searchOrderings.newest, ['status']),
];
