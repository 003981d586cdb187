import type { CurrencyBucket, PendingSale, ProductBucket, SalesDayDoc } from './sales-doc.js';

export const emptyDay = (day: string): SalesDayDoc => ({ _id: day, day, totals: [], products: [] });

const emptyTotals = (currency: string): CurrencyBucket => ({
  currency,
  orders: 0,
  units: 0,
  gross: 0,
  discounts: 0,
  refunds: 0,
});

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type BucketKey = Pick<ProductBucket, 'productId' | 'currency' | 'category'>;

/** The product buckets' order: by product, then currency, then category. */
const compareKeys = (a: BucketKey, b: BucketKey) =>
  compare(a.productId, b.productId) ||
  compare(a.currency, b.currency) ||
  compare(a.category, b.category);

/** Where `key` is in the sorted `buckets`, or where it would go (as `-(index + 1)`). */
function search(buckets: readonly ProductBucket[], key: BucketKey): number {
  let low = 0;
  let high = buckets.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareKeys(buckets[middle]!, key);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -(low + 1);
}

/** The currency buckets with one changed (added when absent), kept sorted by currency. */
export function withCurrency(
  totals: readonly CurrencyBucket[],
  currency: string,
  change: (bucket: CurrencyBucket) => CurrencyBucket,
): CurrencyBucket[] {
  const at = totals.findIndex((b) => b.currency === currency);
  if (at !== -1) return totals.map((b, i) => (i === at ? change(b) : b));
  const after = totals.findIndex((b) => b.currency > currency);
  const next = totals.slice();
  next.splice(after === -1 ? totals.length : after, 0, change(emptyTotals(currency)));
  return next;
}

/** A confirmed order's change to its currency's bucket. */
export function confirmedTotals(
  totals: readonly CurrencyBucket[],
  sale: PendingSale,
): CurrencyBucket[] {
  const units = sale.lines.reduce((sum, line) => sum + line.quantity, 0);
  const gross = sale.lines.reduce((sum, line) => sum + line.gross, 0);
  return withCurrency(totals, sale.currency, (b) => ({
    ...b,
    orders: b.orders + 1,
    units: b.units + units,
    gross: b.gross + gross,
    discounts: b.discounts + sale.discount,
  }));
}

/** A refund's change to its currency's bucket. */
export const refundedTotals = (
  totals: readonly CurrencyBucket[],
  currency: string,
  amount: number,
): CurrencyBucket[] =>
  withCurrency(totals, currency, (b) => ({ ...b, refunds: b.refunds + amount }));

/**
 * The day with an order confirmed at `at` added to its currency's and its
 * products' buckets. The product list is copied once and each line's bucket
 * found by binary search, so a confirmation costs one copy of the list.
 */
export function addConfirmation(day: SalesDayDoc, sale: PendingSale, at: string): SalesDayDoc {
  const { currency, lines } = sale;
  const products = day.products.slice();
  for (const { productId, name, category, quantity, gross } of lines) {
    const key = { productId, currency, category };
    const found = search(products, key);
    const seen = found >= 0 ? products[found] : undefined;
    const bucket: ProductBucket = {
      productId,
      currency,
      category,
      name,
      units: (seen?.units ?? 0) + quantity,
      gross: (seen?.gross ?? 0) + gross,
      updatedAt: at,
    };
    if (found >= 0) products[found] = bucket;
    else products.splice(-found - 1, 0, bucket);
  }
  return { ...day, totals: confirmedTotals(day.totals, sale), products };
}

/** The day with money refunded in `currency` added. */
export const addRefund = (day: SalesDayDoc, currency: string, amount: number): SalesDayDoc => ({
  ...day,
  totals: refundedTotals(day.totals, currency, amount),
});
