import type { Doc } from '../../stores/read-store.js';
import type { ProductDetails, ProductStatus } from '../catalog/catalog-doc.js';
import { indexText } from './tokenizer.js';

export const SEARCH = 'search';

/** Computed when the product's text changes, so queries only compare strings. */
export interface SearchIndexFields {
  /** Folded words of name, description, category, sku and attribute values. */
  readonly terms: string[];
  /** What a query word may be to match (see `prefixesOf`). */
  readonly prefixes: string[];
  /** The prefixes of the name's words alone: matches there score higher. */
  readonly namePrefixes: string[];
}

/**
 * One product of the search index. Like the catalog, `pending` holds stock
 * recorded before the product's creation and is never found.
 */
export type SearchDoc = Doc & { readonly available: number } & (
    | { readonly status: 'pending'; readonly productId: string }
    | ({ readonly status: ProductStatus } & ProductDetails & SearchIndexFields)
  );

export type FindableSearchDoc = Extract<SearchDoc, { readonly status: ProductStatus }>;

export function searchIndexFields(product: ProductDetails): SearchIndexFields {
  const { name, description, category, sku, attributes } = product;
  const { terms, prefixes } = indexText([
    name,
    description,
    category,
    sku,
    ...Object.values(attributes),
  ]);
  return { terms, prefixes, namePrefixes: indexText([name]).prefixes };
}
