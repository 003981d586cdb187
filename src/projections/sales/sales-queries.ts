import { AppError } from '../../errors.js';
import type { ReadStore } from '../../stores/read-store.js';
import { daysBetween, GRANULARITIES, type Granularity } from './periods.js';
import {
  isUtcDay,
  SALES,
  SALES_TOTALS,
  type SalesDayDoc,
  type SalesTotalsDoc,
} from './sales-doc.js';
import {
  categoryRows,
  productRows,
  salesRows,
  type CategoryRow,
  type ProductRow,
  type ProductSort,
  type SalesRow,
} from './sales-rollup.js';

/** `from` and `to` are UTC dates (`YYYY-MM-DD`), both included. */
export interface ReportRange {
  readonly from: string;
  readonly to: string;
}

export interface ProductsReportOptions extends ReportRange {
  /** Default `revenue`. */
  readonly sort?: ProductSort;
  /** 1..100, default 20. */
  readonly limit?: number;
  /** Only rows in this currency. */
  readonly currency?: string;
}

export interface SalesQueries {
  salesReport(options: ReportRange & { readonly granularity: Granularity }): Promise<SalesRow[]>;
  productsReport(options: ProductsReportOptions): Promise<ProductRow[]>;
  categoriesReport(options: ReportRange): Promise<CategoryRow[]>;
}

/** The longest range a report covers: ten years of day documents. */
export const MAX_REPORT_DAYS = 3660;
export const DEFAULT_PRODUCTS_LIMIT = 20;
export const MAX_PRODUCTS_LIMIT = 100;

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `Invalid ${path}: ${message}`, {
    errors: [{ path, message }],
  });

function checkRange({ from, to }: ReportRange): void {
  if (!isUtcDay(from)) throw invalid('from', 'a date YYYY-MM-DD');
  if (!isUtcDay(to)) throw invalid('to', 'a date YYYY-MM-DD');
  if (to < from) throw invalid('to', 'on or after from');
  if (daysBetween(from, to) > MAX_REPORT_DAYS) {
    throw invalid('to', `at most ${MAX_REPORT_DAYS} days after from`);
  }
}

/**
 * Reports rolled up from the live read model's documents: the sales report
 * from the small per-day totals (`sales_totals`), the product and category
 * reports from the day documents (`sales`). `collections` names others (a
 * shadow rebuild's).
 */
export function salesQueries(
  store: ReadStore,
  collections: { readonly days?: string; readonly totals?: string } = {},
): SalesQueries {
  const sales = store.collection<SalesDayDoc>(collections.days ?? SALES);
  const totals = store.collection<SalesTotalsDoc>(collections.totals ?? SALES_TOTALS);
  const inRange = (range: ReportRange) => {
    checkRange(range);
    return { day: { $gte: range.from, $lte: range.to } };
  };
  const daysIn = (range: ReportRange) =>
    sales.find(inRange(range), { sort: { day: 1 }, projection: { day: 1, products: 1 } });
  return {
    async salesReport(options) {
      const { granularity } = options;
      if (!GRANULARITIES.includes(granularity)) throw invalid('granularity', 'day, week or month');
      const days = await totals.find(inRange(options), { sort: { day: 1 } });
      return salesRows(days, granularity);
    },

    async productsReport(options) {
      const { sort = 'revenue', limit = DEFAULT_PRODUCTS_LIMIT, currency } = options;
      if (sort !== 'revenue' && sort !== 'units') throw invalid('sort', 'revenue or units');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PRODUCTS_LIMIT) {
        throw invalid('limit', `an integer from 1 to ${MAX_PRODUCTS_LIMIT}`);
      }
      const days = await daysIn(options);
      return productRows(days, { sort, limit, ...(currency === undefined ? {} : { currency }) });
    },

    async categoriesReport(options) {
      return categoryRows(await daysIn(options));
    },
  };
}
