import type { Doc } from '../../stores/read-store.js';
import type { ProductDetails, ProductStatus } from '../catalog/catalog-doc.js';
import { prefixesOfAll, sorted, textTerms } from './tokenizer.js';

export const SEARCH = 'search';

/** Computed when the product's text changes, so queries only compare strings. */
export interface SearchIndexFields {
  /** Folded words of name, description, category, sku and attribute values. */
  readonly terms: string[];
  /** What a query word may be to match (see `prefixesOf`). */
  readonly prefixes: string[];
  /** The prefixes of the name's words alone: matches there score higher. */
  readonly namePrefixes: string[];
  /**
   * What the index finds: each prefix once, after its score in this product
   * ("5 lap", "3 lapt", "1 la"). A query word matches one of its keys at
   * some score (`searchKeysOf`), and a one-word query's matches come off the
   * index best score first.
   */
  readonly searchKeys: string[];
}

/** A query word's score in a product: 3 for a whole word, 1 for a prefix, +2 in the name. */
export const wordScore = (
  word: string,
  terms: ReadonlySet<string>,
  namePrefixes: ReadonlySet<string>,
) => (terms.has(word) ? 3 : 1) + (namePrefixes.has(word) ? 2 : 0);

/** The scores a word can have, best first. */
export const WORD_SCORES = [5, 3, 1] as const;

/** The search key of a word at a score. */
export const scoredKey = (score: number, word: string): string => `${score} ${word}`;

/** The keys a query word may match, one per score, best first. */
export const searchKeysOf = (word: string): string[] =>
  WORD_SCORES.map((score) => scoredKey(score, word));

/**
 * One product of the search index, from its creation on. Its stock is kept
 * apart (`SearchStockDoc`): stock changes with every order, and rewriting
 * this document (its words and prefixes) for each of them would cost far more
 * than the small stock document does.
 */
export type SearchDoc = Doc & {
  readonly status: ProductStatus;
  readonly priceBand: string;
} & ProductDetails &
  SearchIndexFields;

export const SEARCH_STOCK = 'search_stock';

/** A product's available stock, shown with its search results (recorded before or after its creation). */
export type SearchStockDoc = Doc & { readonly available: number };

export function searchIndexFields(product: ProductDetails): SearchIndexFields {
  const { name, description, category, sku, attributes } = product;
  const nameTerms = textTerms([name]);
  const termSet = textTerms([description, category, sku, ...Object.values(attributes)]);
  for (const term of nameTerms) termSet.add(term);
  const nameSet = prefixesOfAll(nameTerms);
  const prefixes = sorted(prefixesOfAll(termSet));
  return {
    terms: sorted(termSet),
    prefixes,
    namePrefixes: sorted(nameSet),
    searchKeys: prefixes.map((prefix) => scoredKey(wordScore(prefix, termSet, nameSet), prefix)),
  };
}
