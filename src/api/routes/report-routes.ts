import type { Request } from 'express';
import { z } from 'zod';
import { toCsv } from '../../projections/sales/csv.js';
import { GRANULARITIES } from '../../projections/sales/periods.js';
import { isUtcDay } from '../../projections/sales/sales-doc.js';
import { salesQueries } from '../../projections/sales/sales-queries.js';
import type { CategoryRow, ProductRow, SalesRow } from '../../projections/sales/sales-rollup.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps, type RouteResult } from '../route.js';
import { asQuery, limitParam } from './query-params.js';

const SALES = 'sales';
const ANALYST = ['analyst'] as const;

/** CSV columns, in order: the JSON rows' fields (money in minor units). */
export const SALES_COLUMNS = [
  'period',
  'currency',
  'orders',
  'units',
  'gross',
  'discounts',
  'refunds',
  'net',
  'averageOrderValue',
] as const satisfies readonly (keyof SalesRow)[];
export const PRODUCT_COLUMNS = [
  'productId',
  'name',
  'category',
  'currency',
  'units',
  'revenue',
] as const satisfies readonly (keyof ProductRow)[];
export const CATEGORY_COLUMNS = [
  'category',
  'currency',
  'units',
  'revenue',
] as const satisfies readonly (keyof CategoryRow)[];

const day = (name: string) =>
  z
    .string(`${name} is required: a date YYYY-MM-DD (UTC)`)
    .refine(isUtcDay, `${name} is a date YYYY-MM-DD (UTC)`)
    .describe('A date YYYY-MM-DD (UTC), inclusive');

const range = { from: day('from'), to: day('to') };

const ordered = (value: { from: string; to: string }, ctx: z.RefinementCtx) => {
  if (value.to < value.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is on or after from' });
  }
};

const salesQuery = z
  .strictObject({
    ...range,
    granularity: z.enum(GRANULARITIES, 'granularity is day, week or month').default('day'),
  })
  .superRefine(ordered);

const productsQuery = z
  .strictObject({
    ...range,
    sort: z.enum(['revenue', 'units'], 'sort is revenue or units').default('revenue'),
    limit: limitParam.optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'currency is an ISO 4217 code such as EUR')
      .optional(),
  })
  .superRefine(ordered);

const categoriesQuery = z.strictObject(range).superRefine(ordered);

const salesRow = z.object({
  period: z.string().describe('YYYY-MM-DD, YYYY-Www (ISO week) or YYYY-MM'),
  currency: z.string(),
  orders: z.number(),
  units: z.number(),
  gross: z.number(),
  discounts: z.number(),
  refunds: z.number(),
  net: z.number(),
  averageOrderValue: z.number(),
});
const productRow = z.object({
  productId: z.string(),
  name: z.string(),
  category: z.string(),
  currency: z.string(),
  units: z.number(),
  revenue: z.number(),
});
const categoryRow = z.object({
  category: z.string(),
  currency: z.string(),
  units: z.number(),
  revenue: z.number(),
});

const csvNote = (columns: readonly string[]) =>
  `Rows as JSON {from, to, ..., items: [row]}; with Accept: text/csv, a CSV file (RFC 4180, header line) with the columns ${columns.join(', ')}. Money in minor units.`;

/** JSON `{...echo, items}`, or CSV when the client prefers text/csv. */
function reportAnswer<T extends object>(
  req: Request,
  name: string,
  echo: Record<string, unknown> & { from: string; to: string },
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): RouteResult {
  if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
    return {
      status: 200,
      body: toCsv(rows, columns),
      contentType: 'text/csv',
      headers: {
        Vary: 'Accept',
        'Content-Disposition': `attachment; filename="${name}-${echo.from}-${echo.to}.csv"`,
      },
    };
  }
  return { status: 200, body: { ...echo, items: rows }, headers: { Vary: 'Accept' } };
}

/** Sales reports for analysts, from the `sales` read model. */
export function reportRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'get',
    path: '/v1/reports/sales',
    summary: 'Sales per period and currency (from and to inclusive, UTC)',
    tag: 'reports',
    access: ANALYST,
    readModel: SALES,
    query: salesQuery,
    responses: {
      200: {
        description: csvNote(SALES_COLUMNS),
        schema: z.object({
          from: z.string(),
          to: z.string(),
          granularity: z.enum(GRANULARITIES),
          items: z.array(salesRow),
        }),
      },
    },
    async handle({ query, req }) {
      const rows = await asQuery(() => salesQueries(deps.readStore).salesReport(query));
      return reportAnswer(req, 'sales', query, rows, SALES_COLUMNS);
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/reports/products',
    summary: 'Top products by revenue or units (from and to inclusive, UTC)',
    tag: 'reports',
    access: ANALYST,
    readModel: SALES,
    query: productsQuery,
    responses: {
      200: {
        description: csvNote(PRODUCT_COLUMNS),
        schema: z.object({
          from: z.string(),
          to: z.string(),
          sort: z.enum(['revenue', 'units']),
          items: z.array(productRow),
        }),
      },
    },
    async handle({ query, req }) {
      const rows = await asQuery(() => salesQueries(deps.readStore).productsReport(query));
      const { from, to, sort } = query;
      return reportAnswer(req, 'products', { from, to, sort }, rows, PRODUCT_COLUMNS);
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/reports/categories',
    summary: 'Revenue and units per category and currency (from and to inclusive, UTC)',
    tag: 'reports',
    access: ANALYST,
    readModel: SALES,
    query: categoriesQuery,
    responses: {
      200: {
        description: csvNote(CATEGORY_COLUMNS),
        schema: z.object({ from: z.string(), to: z.string(), items: z.array(categoryRow) }),
      },
    },
    async handle({ query, req }) {
      const rows = await asQuery(() => salesQueries(deps.readStore).categoriesReport(query));
      return reportAnswer(req, 'categories', query, rows, CATEGORY_COLUMNS);
    },
  });
}
