import type { Filter, ReadStore } from '../../stores/read-store.js';
import {
  CATALOG,
  toCatalogItem,
  type CatalogDoc,
  type CatalogItem,
  type ListedCatalogDoc,
} from './catalog-doc.js';
import { catalogOrderings, catalogSorts, type CatalogSort } from './catalog-sorts.js';
import {
  invalidQuery,
  pageFilter,
  pageLimit,
  priceBound,
  sortSpecOf,
  toPage,
  type Page,
} from './keyset.js';

export interface CatalogListQuery {
  readonly category?: string;
  /** Minor units, inclusive. */
  readonly minPrice?: number;
  /** Minor units, inclusive. */
  readonly maxPrice?: number;
  /** true: only products with stock available; false: only those without. */
  readonly inStock?: boolean;
  /** Discontinued products are left out unless asked for. */
  readonly includeDiscontinued?: boolean;
  /** Newest first when absent. */
  readonly sort?: CatalogSort;
  /** 1..100, 20 when absent. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** A page of products, in the asked order, continuing after `cursor`. */
export async function listCatalog(
  store: ReadStore,
  query: CatalogListQuery,
): Promise<Page<CatalogItem>> {
  const sort = query.sort ?? 'newest';
  if (!Object.hasOwn(catalogOrderings, sort)) {
    throw invalidQuery('sort', `sort is one of ${catalogSorts.join(', ')}`);
  }
  const ordering = catalogOrderings[sort];
  const limit = pageLimit(query.limit);
  const docs = await store
    .collection<ListedCatalogDoc>(CATALOG)
    .find(pageFilter(ordering, catalogFilter(query), query.cursor), {
      sort: sortSpecOf(ordering),
      limit: limit + 1,
    });
  return toPage(ordering, docs, limit, toCatalogItem);
}

/** One product, discontinued ones included; undefined when there is no such product. */
export async function getCatalogProduct(
  store: ReadStore,
  productId: string,
): Promise<CatalogItem | undefined> {
  const doc = await store.collection<CatalogDoc>(CATALOG).get(productId);
  return doc && doc.status !== 'pending' ? toCatalogItem(doc) : undefined;
}

function catalogFilter(query: CatalogListQuery): Filter {
  const minPrice = priceBound('minPrice', query.minPrice);
  const maxPrice = priceBound('maxPrice', query.maxPrice);
  const price = {
    ...(minPrice === undefined ? {} : { $gte: minPrice }),
    ...(maxPrice === undefined ? {} : { $lte: maxPrice }),
  };
  return {
    status: query.includeDiscontinued ? { $in: ['active', 'discontinued'] } : 'active',
    ...(query.category === undefined ? {} : { category: query.category }),
    ...(Object.keys(price).length === 0 ? {} : { 'price.amount': price }),
    ...(query.inStock === undefined ? {} : { available: query.inStock ? { $gt: 0 } : { $lte: 0 } }),
  };
}
