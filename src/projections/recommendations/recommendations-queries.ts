import type { Money } from '../../events/money.js';
import type { ReadStore } from '../../stores/read-store.js';
import { CATALOG, type CatalogDoc } from '../catalog/catalog-doc.js';
import { pageLimit } from '../catalog/keyset.js';
import { RECOMMENDATIONS, type RecommendationDoc } from './recommendations-doc.js';

export const DEFAULT_RECOMMENDATIONS = 10;

export interface Recommendation {
  readonly productId: string;
  /** Confirmed orders that held both products. */
  readonly count: number;
  readonly name: string;
  readonly price: Money;
  readonly available: number;
}

/**
 * Products most often bought together with `productId` (ties by product id),
 * with their catalog name, price and stock. Products no longer for sale
 * (discontinued, or missing from the catalog) are passed over.
 */
export async function recommendationsFor(
  store: ReadStore,
  productId: string,
  limit: number = DEFAULT_RECOMMENDATIONS,
): Promise<Recommendation[]> {
  const wanted = pageLimit(limit);
  const doc = await store.collection<RecommendationDoc>(RECOMMENDATIONS).get(productId);
  const candidates = doc?.together ?? [];
  const catalog = store.collection<CatalogDoc>(CATALOG);
  const found: Recommendation[] = [];
  // Look up a few more than needed at a time, in case some are not for sale.
  for (let from = 0; from < candidates.length && found.length < wanted;) {
    const batch = candidates.slice(from, from + wanted * 2);
    from += batch.length;
    const products = await catalog.getMany(batch.map((entry) => entry.productId));
    for (const { productId: id, count } of batch) {
      const product = products.get(id);
      if (product?.status !== 'active' || found.length === wanted) continue;
      const { name, price, available } = product;
      found.push({ productId: id, count, name, price, available });
    }
  }
  return found;
}
