import type { IndexSpec } from '../../stores/read-store.js';
import { byId, indexFor, type Ordering } from './keyset.js';

export type CatalogSort = 'price' | '-price' | 'rating' | 'newest' | 'bestselling';

/** Reversible orderings (every direction flips together) so one index serves both ways. */
export const catalogOrderings: Readonly<Record<CatalogSort, Ordering>> = {
  price: {
    name: 'price_asc',
    keys: [{ field: 'price.amount', direction: 1, type: 'number' }, byId],
  },
  '-price': {
    name: 'price_desc',
    keys: [
      { field: 'price.amount', direction: -1, type: 'number' },
      { ...byId, direction: -1 },
    ],
  },
  rating: {
    name: 'rating',
    keys: [
      { field: 'rating', direction: -1, type: 'number' },
      { field: 'reviewCount', direction: -1, type: 'number' },
      byId,
    ],
  },
  newest: {
    name: 'newest',
    keys: [
      { field: 'createdAt', direction: -1, type: 'string' },
      { ...byId, direction: -1 },
    ],
  },
  bestselling: {
    name: 'bestselling',
    keys: [{ field: 'unitsSold', direction: -1, type: 'number' }, byId],
  },
};

export const catalogSorts = Object.keys(catalogOrderings) as CatalogSort[];

/** Lists filter on status, often on category: each ordering behind either (price_desc is price_asc reversed). */
export const catalogIndexes: readonly IndexSpec[] = Object.entries(catalogOrderings)
  .filter(([sort]) => sort !== '-price')
  .flatMap(([, ordering]) => [
    indexFor(ordering, ['status']),
    indexFor(ordering, ['category', 'status']),
  ]);
