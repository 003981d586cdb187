import type { Money } from '../../events/money.js';
import type { Doc } from '../../stores/read-store.js';
import type { StockLevels } from './stock.js';

export const CATALOG = 'catalog';

export interface ProductDetails {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly price: Money;
  readonly attributes: Readonly<Record<string, string>>;
  /** When the product was created (ProductCreated's occurredAt). */
  readonly createdAt: string;
}

export interface ProductCounters extends StockLevels {
  readonly reviewCount: number;
  /** Sum of the stars of every review, so the average stays exact. */
  readonly ratingTotal: number;
  /** Average stars rounded to 2 decimals; 0 without reviews. */
  readonly rating: number;
  /** Units committed (sold) less units returned. */
  readonly unitsSold: number;
}

export type ProductStatus = 'active' | 'discontinued';

/**
 * One product of the catalog. `pending` holds stock or reviews recorded
 * before the product's creation (the API never does that, a log imported
 * from elsewhere might) so the counters are right once it is created; it is
 * never listed.
 */
export type CatalogDoc = Doc &
  ProductCounters &
  (
    | { readonly status: 'pending'; readonly productId: string }
    | ({ readonly status: ProductStatus } & ProductDetails)
  );

export type ListedCatalogDoc = Extract<CatalogDoc, { readonly status: ProductStatus }>;

/** What catalog queries answer for a product. */
export type CatalogItem = ProductDetails &
  StockLevels & {
    readonly status: ProductStatus;
    readonly rating: number;
    readonly reviewCount: number;
    readonly unitsSold: number;
  };

export const emptyCounters: ProductCounters = {
  onHand: 0,
  reserved: 0,
  available: 0,
  reviewCount: 0,
  ratingTotal: 0,
  rating: 0,
  unitsSold: 0,
};

export function toCatalogItem(doc: ListedCatalogDoc): CatalogItem {
  return {
    productId: doc.productId,
    sku: doc.sku,
    name: doc.name,
    description: doc.description,
    category: doc.category,
    price: doc.price,
    attributes: doc.attributes,
    status: doc.status,
    onHand: doc.onHand,
    reserved: doc.reserved,
    available: doc.available,
    rating: doc.rating,
    reviewCount: doc.reviewCount,
    unitsSold: doc.unitsSold,
    createdAt: doc.createdAt,
  };
}
