import { AppError } from '../../errors.js';
import type { ReadStore } from '../../stores/read-store.js';
import { daysBetween, GRANULARITIES, type Granularity } from './periods.js';
import { isUtcDay, SALES, type SalesDayDoc } from './sales-doc.js';
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

/** Reports rolled up from the day documents of the live `sales` collection (or `collection`). */
export function salesQueries(store: ReadStore, collection: string = SALES): SalesQueries {
  const sales = store.collection<SalesDayDoc>(collection);
  const daysIn = (range: ReportRange, field: 'totals' | 'products') => {
    checkRange(range);
    return sales.find(
      { day: { $gte: range.from, $lte: range.to } },
      { sort: { day: 1 }, projection: { day: 1, [field]: 1 } },
    );
  };
  return {
    async salesReport(options) {
      const { granularity } = options;
      if (!GRANULARITIES.includes(granularity)) throw invalid('granularity', 'day, week or month');
      return salesRows(await daysIn(options, 'totals'), granularity);
    },

    async productsReport(options) {
      const { sort = 'revenue', limit = DEFAULT_PRODUCTS_LIMIT, currency } = options;
      if (sort !== 'revenue' && sort !== 'units') throw invalid('sort', 'revenue or units');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PRODUCTS_LIMIT) {
        throw invalid('limit', `an integer from 1 to ${MAX_PRODUCTS_LIMIT}`);
      }
      const days = await daysIn(options, 'products');
      return productRows(days, { sort, limit, ...(currency === undefined ? {} : { currency }) });
    },

    async categoriesReport(options) {
      return categoryRows(await daysIn(options, 'products'));
    },
  };
}
