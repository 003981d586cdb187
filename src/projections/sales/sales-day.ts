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

const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
const totalsOrder = byKey<CurrencyBucket>((b) => b.currency);
const productKey = (b: Pick<ProductBucket, 'productId' | 'currency' | 'category'>) =>
  `${b.productId}\u0000${b.currency}\u0000${b.category}`;
const productOrder = byKey(productKey);

function withTotals(
  day: SalesDayDoc,
  currency: string,
  change: (bucket: CurrencyBucket) => CurrencyBucket,
): SalesDayDoc {
  const current = day.totals.find((b) => b.currency === currency) ?? emptyTotals(currency);
  const others = day.totals.filter((b) => b.currency !== currency);
  return { ...day, totals: [...others, change(current)].sort(totalsOrder) };
}

/** The day with an order confirmed at `at` added to its currency's and its products' buckets. */
export function addConfirmation(day: SalesDayDoc, sale: PendingSale, at: string): SalesDayDoc {
  const { currency, lines, discount } = sale;
  const units = lines.reduce((sum, line) => sum + line.quantity, 0);
  const gross = lines.reduce((sum, line) => sum + line.gross, 0);
  const counted = withTotals(day, currency, (b) => ({
    ...b,
    orders: b.orders + 1,
    units: b.units + units,
    gross: b.gross + gross,
    discounts: b.discounts + discount,
  }));
  const products = new Map(counted.products.map((b) => [productKey(b), b]));
  for (const { productId, name, category, quantity, gross: lineGross } of lines) {
    const key = productKey({ productId, currency, category });
    const seen = products.get(key);
    products.set(key, {
      productId,
      currency,
      category,
      name,
      units: (seen?.units ?? 0) + quantity,
      gross: (seen?.gross ?? 0) + lineGross,
      updatedAt: at,
    });
  }
  return { ...counted, products: [...products.values()].sort(productOrder) };
}

/** The day with money refunded in `currency` added. */
export const addRefund = (day: SalesDayDoc, currency: string, amount: number): SalesDayDoc =>
  withTotals(day, currency, (b) => ({ ...b, refunds: b.refunds + amount }));
