import type { Doc, Filter, ReadCollection, ReadStore } from '../../stores/read-store.js';
import type { Money } from '../../events/money.js';
import {
  afterKey,
  decodeCursor,
  invalidQuery,
  pageLimit,
  priceBound,
  sortSpecOf,
  toPage,
} from '../catalog/keyset.js';
import {
  SEARCH,
  SEARCH_STOCK,
  scoredKey,
  searchKeysOf,
  WORD_SCORES,
  type SearchDoc,
  type SearchStockDoc,
} from './search-doc.js';
import {
  categoryFacet,
  countsByCategoryAndBand,
  priceFacet,
  searchFacets,
  type Facets,
  type SearchFacet,
} from './search-facets.js';
import { searchOrderings, searchSorts, type SearchSort } from './search-sorts.js';
import { tokenize } from './tokenizer.js';

export const MAX_QUERY_WORDS = 16;

export interface SearchQuery {
  /** Words to find, all of them (each as a word or the start of one); blank lists everything. */
  readonly q?: string;
  readonly category?: string;
  /** Minor units, inclusive. */
  readonly minPrice?: number;
  /** Minor units, inclusive. */
  readonly maxPrice?: number;
  /** Relevance when there are words, newest otherwise. */
  readonly sort?: SearchSort;
  readonly facets?: readonly SearchFacet[];
  /** 1..100, 20 when absent. */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface SearchItem {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: Money;
  readonly available: number;
  readonly createdAt: string;
  readonly score: number;
}

export interface SearchResult {
  readonly items: SearchItem[];
  /** How many products match in all (every page). */
  readonly total: number;
  readonly nextCursor: string | null;
  /** The facets asked for; each counts the matches ignoring its own filter. */
  readonly facets: Facets;
}

type Scored = SearchDoc & { readonly score: number };

// Heavy fields stay in the store; what is left is what a SearchItem needs.
const itemFields = {
  terms: 0,
  prefixes: 0,
  namePrefixes: 0,
  searchKeys: 0,
  description: 0,
  attributes: 0,
} as const;

/**
 * Active products having every query word among their words or word
 * prefixes. Score per query word: 3 for a whole word, 1 for a prefix, plus
 * 2 when it is (the start of) a word of the name. The same pipeline runs on
 * MongoDB and on the embedded store.
 */
export async function searchProducts(store: ReadStore, query: SearchQuery): Promise<SearchResult> {
  const words = tokenize(query.q ?? '');
  if (words.length > MAX_QUERY_WORDS) {
    throw invalidQuery('q', `q has at most ${MAX_QUERY_WORDS} words`);
  }
  const sort = query.sort ?? (words.length > 0 ? 'relevance' : 'newest');
  if (!Object.hasOwn(searchOrderings, sort)) {
    throw invalidQuery('sort', `sort is one of ${searchSorts.join(', ')}`);
  }
  const facets = query.facets ?? [];
  const unknownFacet = facets.find((facet) => !searchFacets.includes(facet));
  if (unknownFacet !== undefined) {
    throw invalidQuery('facets', `facets are among ${searchFacets.join(', ')}`);
  }
  const ordering = searchOrderings[sort];
  const limit = pageLimit(query.limit);
  const after = query.cursor === undefined ? [] : [decodeCursor(ordering, query.cursor)];
  const match = matchFilter(words, query);
  const collection = store.collection(SEARCH);

  const [word] = words;
  const page =
    sort === 'relevance' && words.length === 1 && word !== undefined
      ? byScoredKeys(collection, match, word, limit + 1, after[0])
      : (collection.aggregate([
          { $match: match() },
          { $addFields: { score: scoreOf(words) } },
          { $project: itemFields },
          ...after.map((values) => ({ $match: afterKey(ordering, values) })),
          { $sort: sortSpecOf(ordering) },
          { $limit: limit + 1 },
        ]) as Promise<Scored[]>);
  // Facets count the matches without their own filter: with no such filter in the query,
  // the total and both facets come from one grouping of the same matches. Each count
  // adds up the first word's matches at each score, each answered from the index alone.
  const facetsShareMatch =
    (query.category === undefined || !facets.includes('category')) &&
    ((query.minPrice === undefined && query.maxPrice === undefined) || !facets.includes('price'));
  const firstKeys = word === undefined ? [undefined] : searchKeysOf(word);
  const matches = (without?: SearchFacet) => firstKeys.map((key) => match(without, key));
  const counts =
    facets.length > 0 && facetsShareMatch
      ? countsByCategoryAndBand(collection, matches())
      : Promise.all([
          Promise.all(matches().map((m) => collection.count(m))),
          facets.includes('category') ? categoryFacet(collection, matches('category')) : undefined,
          facets.includes('price') ? priceFacet(collection, matches('price')) : undefined,
        ]).then(([totals, category, price]) => ({
          total: totals.reduce((sum, n) => sum + n, 0),
          category,
          price,
        }));
  const [docs, { total, category: allCategories, price: allBands }] = await Promise.all([
    page,
    counts,
  ]);
  const category = facets.includes('category') ? allCategories : undefined;
  const price = facets.includes('price') ? allBands : undefined;
  const shown = toPage(ordering, docs, limit, (doc) => doc);
  const stock = await store
    .collection(SEARCH_STOCK)
    .getMany(shown.items.map((doc) => doc.productId));
  return {
    ...shown,
    items: shown.items.map((doc) => toSearchItem(doc, stock.get(doc.productId))),
    total,
    facets: { ...(category && { category }), ...(price && { price }) },
  };
}

type Match = ReturnType<typeof matchFilter>;

/**
 * A one-word query by relevance: the matches at each score in turn, best
 * first, each in `_id` order straight off the index's keys.
 */
async function byScoredKeys(
  collection: ReadCollection,
  match: Match,
  word: string,
  wanted: number,
  after: readonly unknown[] | undefined,
): Promise<Scored[]> {
  const [afterScore, afterId] = after ?? [];
  const docs: Scored[] = [];
  for (const score of WORD_SCORES) {
    if (docs.length >= wanted) break;
    if (typeof afterScore === 'number' && score > afterScore) continue;
    const filter = {
      ...match(undefined, scoredKey(score, word)),
      ...(score === afterScore && typeof afterId === 'string' && { _id: { $gt: afterId } }),
    };
    const found = await collection.find(filter, {
      sort: { _id: 1 },
      limit: wanted - docs.length,
      projection: itemFields,
    });
    for (const doc of found) docs.push({ ...(doc as SearchDoc), score });
  }
  return docs;
}

/**
 * The match, optionally without one facet's own filter (so a facet shows its
 * alternatives), or with the first word's key at one score alone. A word
 * matches any of its keys (`searchKeysOf`); each is a condition of its own,
 * since each may hold for another element of `searchKeys`.
 */
function matchFilter(words: readonly string[], query: SearchQuery) {
  const minPrice = priceBound('minPrice', query.minPrice);
  const maxPrice = priceBound('maxPrice', query.maxPrice);
  const price = {
    ...(minPrice === undefined ? {} : { $gte: minPrice }),
    ...(maxPrice === undefined ? {} : { $lte: maxPrice }),
  };
  return (without?: SearchFacet, firstKey?: string): Filter => {
    const conditions = words.map((word, i) => ({
      searchKeys: i === 0 && firstKey !== undefined ? firstKey : { $in: searchKeysOf(word) },
    }));
    return {
      status: 'active',
      ...(conditions.length === 1 ? conditions[0] : conditions.length > 1 && { $and: conditions }),
      ...(query.category === undefined || without === 'category'
        ? {}
        : { category: query.category }),
      ...(Object.keys(price).length === 0 || without === 'price' ? {} : { 'price.amount': price }),
    };
  };
}

function scoreOf(words: readonly string[]): unknown {
  if (words.length === 0) return { $literal: 0 };
  return {
    $add: words.flatMap((word) => [
      { $cond: [{ $in: [{ $literal: word }, '$terms'] }, 3, 1] },
      { $cond: [{ $in: [{ $literal: word }, '$namePrefixes'] }, 2, 0] },
    ]),
  };
}

/** The item shown for a match, with the product's stock (kept apart from its words). */
function toSearchItem(doc: Scored, stock: Doc | undefined): SearchItem {
  const { productId, sku, name, category, price, createdAt, score } = doc;
  const available = (stock as SearchStockDoc | undefined)?.available ?? 0;
  return { productId, sku, name, category, price, available, createdAt, score };
}
