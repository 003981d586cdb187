import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { CatalogItem } from '../../projections/catalog/catalog-doc.js';
import { getCatalogProduct, listCatalog } from '../../projections/catalog/catalog-queries.js';
import { catalogSorts } from '../../projections/catalog/catalog-sorts.js';
import { recommendationsFor } from '../../projections/recommendations/recommendations-queries.js';
import { searchFacets, type SearchFacet } from '../../projections/search/search-facets.js';
import { searchProducts } from '../../projections/search/search-queries.js';
import { searchSorts } from '../../projections/search/search-sorts.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps } from '../route.js';
import { id, money } from '../schemas.js';
import {
  asQuery,
  booleanParam,
  cursorParam,
  limitParam,
  priceParam,
  priceRange,
  textParam,
} from './query-params.js';

const CATALOG = 'catalog';
const SEARCH = 'search';
const RECOMMENDATIONS = 'recommendations';

/** A product as anyone may see it: stock shown as `available` only (on hand and reserved are staff's). */
const catalogProduct = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  price: money,
  attributes: z.record(z.string(), z.string()),
  status: z.enum(['active', 'discontinued']),
  available: z.number(),
  rating: z.number().describe('Average stars, 2 decimals; 0 without reviews'),
  reviewCount: z.number(),
  createdAt: z.string(),
});
type CatalogProduct = z.infer<typeof catalogProduct>;

function publicProduct(item: CatalogItem): CatalogProduct {
  const { productId, sku, name, description, category, price, attributes, status } = item;
  const { available, rating, reviewCount, createdAt } = item;
  return {
    productId,
    sku,
    name,
    description,
    category,
    price,
    attributes,
    status,
    available,
    rating,
    reviewCount,
    createdAt,
  };
}

const nextCursor = z.string().nullable().describe('Null on the last page');

const categoryParam = textParam('category').describe('Exact category');

const catalogQuery = z
  .strictObject({
    category: categoryParam.optional(),
    minPrice: priceParam('minPrice').optional(),
    maxPrice: priceParam('maxPrice').optional(),
    inStock: booleanParam('inStock')
      .optional()
      .describe('true: only products available now; false: only those that are not'),
    sort: z
      .enum(catalogSorts, `sort is one of ${catalogSorts.join(', ')}`)
      .optional()
      .describe('newest (default), price, -price, rating or bestselling'),
    limit: limitParam.optional(),
    cursor: cursorParam.optional(),
  })
  .superRefine(priceRange);

const facetsParam = z
  .string()
  .max(100)
  .transform((value, ctx): SearchFacet[] => {
    const names = value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const unknown = names.filter((name) => !(searchFacets as readonly string[]).includes(name));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `facets are among ${searchFacets.join(', ')} (not ${unknown.join(', ')})`,
      });
      return z.NEVER;
    }
    return [...new Set(names)] as SearchFacet[];
  });

const searchQuery = z
  .strictObject({
    q: z
      .string()
      .max(500, 'q has at most 500 characters')
      .optional()
      .describe('Words, each matching a word or its start (at most 16); blank lists everything'),
    category: categoryParam.optional(),
    minPrice: priceParam('minPrice').optional(),
    maxPrice: priceParam('maxPrice').optional(),
    sort: z
      .enum(searchSorts, `sort is one of ${searchSorts.join(', ')}`)
      .optional()
      .describe('relevance (default with words), newest (default without), price or -price'),
    facets: facetsParam.optional().describe('Comma-separated: category, price'),
    limit: limitParam.optional(),
    cursor: cursorParam.optional(),
  })
  .superRefine(priceRange);

const searchItem = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  price: money,
  available: z.number(),
  createdAt: z.string(),
  score: z.number().describe('Relevance: higher is better; 0 without words'),
});

const searchAnswer = z.object({
  items: z.array(searchItem),
  total: z.number().describe('Matches in all (every page)'),
  facets: z.object({
    category: z.array(z.object({ category: z.string(), count: z.number() })).optional(),
    price: z
      .array(
        z.object({
          band: z.string(),
          min: z.number().optional(),
          max: z.number().optional(),
          count: z.number(),
        }),
      )
      .optional(),
  }),
  nextCursor,
});

const productParams = z.strictObject({ productId: id });

const recommendationsAnswer = z.object({
  productId: z.string(),
  items: z.array(
    z.object({
      productId: z.string(),
      count: z.number().describe('Confirmed orders that held both products'),
      name: z.string(),
      price: money,
      available: z.number(),
    }),
  ),
});

/** Public queries over the catalog, search and recommendations read models. */
export function catalogQueryRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'get',
    path: '/v1/catalog',
    summary: 'Browse the products for sale (prices in minor units)',
    tag: 'queries',
    access: 'anyone',
    readModel: CATALOG,
    query: catalogQuery,
    responses: {
      200: {
        description: 'A page of products, newest first unless sorted otherwise',
        schema: z.object({ items: z.array(catalogProduct), nextCursor }),
      },
    },
    async handle({ query }) {
      const page = await asQuery(() => listCatalog(deps.readStore, query));
      return {
        status: 200,
        body: { items: page.items.map(publicProduct), nextCursor: page.nextCursor },
      };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/catalog/:productId',
    summary: 'One product of the catalog (discontinued ones included)',
    tag: 'queries',
    access: 'anyone',
    readModel: CATALOG,
    params: productParams,
    responses: { 200: { description: 'The product', schema: catalogProduct } },
    async handle({ params }) {
      const item = await getCatalogProduct(deps.readStore, params.productId);
      if (!item) throw new AppError('NOT_FOUND', 'No such product');
      return { status: 200, body: publicProduct(item) };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/search',
    summary: 'Full-text product search: every word, as a word or its start, accent and case folded',
    tag: 'queries',
    access: 'anyone',
    readModel: SEARCH,
    query: searchQuery,
    responses: {
      200: {
        description: 'Matches, best first when there are words, with the facets asked for',
        schema: searchAnswer,
      },
    },
    async handle({ query }) {
      const result = await asQuery(() => searchProducts(deps.readStore, query));
      const { items, total, facets } = result;
      return { status: 200, body: { items, total, facets, nextCursor: result.nextCursor } };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/recommendations/:productId',
    summary: 'Products bought together with a product, most often first',
    tag: 'queries',
    access: 'anyone',
    // Which products: recommendations; whether the product exists and what the others cost: catalog.
    readModel: [RECOMMENDATIONS, CATALOG],
    params: productParams,
    query: z.strictObject({ limit: limitParam.optional() }),
    responses: { 200: { description: 'Bought together', schema: recommendationsAnswer } },
    async handle({ params, query }) {
      const product = await getCatalogProduct(deps.readStore, params.productId);
      if (!product) throw new AppError('NOT_FOUND', 'No such product');
      const items = await asQuery(() =>
        recommendationsFor(deps.readStore, params.productId, query.limit),
      );
      return { status: 200, body: { productId: params.productId, items } };
    },
  });
}
