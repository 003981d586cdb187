import { periodOf, type Granularity } from './periods.js';
import type { CurrencyBucket, SalesDayDoc } from './sales-doc.js';

/** One row of the sales report: the figures of a period in one currency (minor units). */
export interface SalesRow {
  readonly period: string;
  readonly currency: string;
  readonly orders: number;
  readonly units: number;
  readonly gross: number;
  readonly discounts: number;
  readonly refunds: number;
  /** gross - discounts - refunds */
  readonly net: number;
  /** (gross - discounts) / orders, rounded half up to a minor unit; 0 without orders. */
  readonly averageOrderValue: number;
}

export interface ProductRow {
  readonly productId: string;
  readonly name: string;
  readonly category: string;
  readonly currency: string;
  readonly units: number;
  /** Line totals of the confirmed orders (before order discounts). */
  readonly revenue: number;
}

export interface CategoryRow {
  readonly category: string;
  readonly currency: string;
  readonly units: number;
  readonly revenue: number;
}

export type ProductSort = 'revenue' | 'units';

export type SalesDay = Pick<SalesDayDoc, 'day' | 'totals' | 'products'>;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A whole minor unit, half up (amounts here are never negative). */
const average = (amount: number, count: number) =>
  count === 0 ? 0 : Math.floor((2 * amount + count) / (2 * count));

/** Rolls day buckets up into one row per period and currency, sorted by period, then currency. */
export function salesRows(
  days: readonly Pick<SalesDay, 'day' | 'totals'>[],
  granularity: Granularity,
): SalesRow[] {
  const sums = new Map<string, { period: string } & CurrencyBucket>();
  for (const { day, totals } of days) {
    const period = periodOf(day, granularity);
    for (const bucket of totals) {
      const key = `${period}\u0000${bucket.currency}`;
      const sum = sums.get(key);
      sums.set(
        key,
        sum
          ? {
              ...sum,
              orders: sum.orders + bucket.orders,
              units: sum.units + bucket.units,
              gross: sum.gross + bucket.gross,
              discounts: sum.discounts + bucket.discounts,
              refunds: sum.refunds + bucket.refunds,
            }
          : { period, ...bucket },
      );
    }
  }
  return [...sums.values()]
    .sort((a, b) => compare(a.period, b.period) || compare(a.currency, b.currency))
    .map(({ period, currency, orders, units, gross, discounts, refunds }) => ({
      period,
      currency,
      orders,
      units,
      gross,
      discounts,
      refunds,
      net: gross - discounts - refunds,
      averageOrderValue: average(gross - discounts, orders),
    }));
}

/**
 * Units and revenue per product and currency (never summed across
 * currencies). Name and category are those of its latest confirmed order.
 */
function productTotals(days: readonly Pick<SalesDay, 'day' | 'products'>[]): ProductRow[] {
  const sums = new Map<string, ProductRow & { readonly latest: string }>();
  for (const { products } of days) {
    for (const { productId, currency, name, category, units, gross, updatedAt } of products) {
      const key = `${productId}\u0000${currency}`;
      const sum = sums.get(key);
      const named = sum && sum.latest > updatedAt ? sum : { name, category, latest: updatedAt };
      sums.set(key, {
        productId,
        ...named,
        currency,
        units: (sum?.units ?? 0) + units,
        revenue: (sum?.revenue ?? 0) + gross,
      });
    }
  }
  return [...sums.values()].map(({ productId, name, category, currency, units, revenue }) => ({
    productId,
    name,
    category,
    currency,
    units,
    revenue,
  }));
}

/** The top products by revenue or units (ties: the other figure, then id and currency). */
export function productRows(
  days: readonly Pick<SalesDay, 'day' | 'products'>[],
  options: { readonly sort: ProductSort; readonly limit: number; readonly currency?: string },
): ProductRow[] {
  const { sort, limit, currency } = options;
  const other: ProductSort = sort === 'revenue' ? 'units' : 'revenue';
  return productTotals(days)
    .filter((row) => currency === undefined || row.currency === currency)
    .sort(
      (a, b) =>
        b[sort] - a[sort] ||
        b[other] - a[other] ||
        compare(a.productId, b.productId) ||
        compare(a.currency, b.currency),
    )
    .slice(0, limit);
}

/** Units and revenue per category and currency, sorted by category, then currency. */
export function categoryRows(days: readonly Pick<SalesDay, 'day' | 'products'>[]): CategoryRow[] {
  const sums = new Map<string, CategoryRow>();
  for (const { products } of days) {
    for (const { category, currency, units, gross } of products) {
      const key = `${category}\u0000${currency}`;
      const sum = sums.get(key);
      sums.set(key, {
        category,
        currency,
        units: (sum?.units ?? 0) + units,
        revenue: (sum?.revenue ?? 0) + gross,
      });
    }
  }
  return [...sums.values()].sort(
    (a, b) => compare(a.category, b.category) || compare(a.currency, b.currency),
  );
}
