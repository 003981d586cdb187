import type { OrderPlaced } from '../../../src/events/order.js';
import type { PaymentRefunded } from '../../../src/events/payment.js';
import type { ProductCreated, ProductUpdated } from '../../../src/events/product.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import {
  UNCATEGORIZED,
  utcDayOf,
  type CurrencyBucket,
  type ProductBucket,
  type SaleLine,
  type SalesDayDoc,
} from '../../../src/projections/sales/sales-doc.js';

/**
 * The sales projection's day documents, computed the same way but in O(1)
 * per order line: the projection's `addConfirmation` copies the day's whole
 * product list for every confirmed order (it is pure), which adds up over a
 * million orders. Same rules: names and categories as the
 * catalogue had them when the order was placed; a confirmation counts on its
 * own day, a refund on its own; rejected orders and orders cancelled before
 * confirmation count nowhere. Checked against the projection on a small log.
 */

type Sale =
  | {
      readonly status: 'pending';
      readonly currency: string;
      readonly lines: readonly SaleLine[];
      readonly discount: number;
      readonly total: number;
    }
  | {
      readonly status: 'confirmed';
      readonly currency: string;
      readonly captured: number;
      refunded: number;
    };

interface Day {
  readonly totals: Map<string, CurrencyBucket>;
  readonly products: Map<string, ProductBucket>;
  position: string;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const productKey = (b: Pick<ProductBucket, 'productId' | 'currency' | 'category'>) =>
  `${b.productId}\u0000${b.currency}\u0000${b.category}`;

export class SalesDays {
  private readonly products = new Map<string, { name: string; category: string }>();
  /** Orders still able to move money; closed ones are forgotten. */
  private readonly sales = new Map<string, Sale>();
  private readonly days = new Map<string, Day>();

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'ProductCreated': {
        const { productId, name, category } = event.data as ProductCreated['data'];
        this.products.set(productId, { name, category });
        break;
      }
      case 'ProductUpdated': {
        const { productId, name, category } = event.data as ProductUpdated['data'];
        if (name === undefined && category === undefined) break;
        const known = this.products.get(productId);
        this.products.set(productId, {
          name: name ?? known?.name ?? '',
          category: category ?? known?.category ?? UNCATEGORIZED,
        });
        break;
      }
      case 'OrderPlaced': {
        const order = event.data as OrderPlaced['data'];
        if (this.sales.has(order.orderId)) break;
        this.sales.set(order.orderId, {
          status: 'pending',
          currency: order.currency,
          lines: order.lines.map(({ productId, name, quantity, lineTotal }) => ({
            productId,
            name: this.products.get(productId)?.name ?? name,
            category: this.products.get(productId)?.category ?? UNCATEGORIZED,
            quantity,
            gross: lineTotal.amount,
          })),
          discount: order.totals.discount.amount,
          total: order.totals.total.amount,
        });
        break;
      }
      case 'OrderRejected':
      case 'OrderCancelled': {
        const { orderId } = event.data as { orderId: string };
        if (this.sales.get(orderId)?.status === 'pending') this.sales.delete(orderId);
        break;
      }
      case 'OrderConfirmed':
        this.confirm(event);
        break;
      case 'PaymentRefunded':
        this.refund(event);
        break;
    }
  }

  /** The documents of the days before `day` (none of their buckets can change any more), forgotten here. */
  takeDaysBefore(day: string): SalesDayDoc[] {
    const done = [...this.days.keys()].filter((d) => d < day).sort(compare);
    return done.map((d) => {
      const doc = this.toDoc(d, this.days.get(d)!);
      this.days.delete(d);
      return doc;
    });
  }

  private confirm(event: RecordedEvent): void {
    const { orderId } = event.data as { orderId: string };
    const sale = this.sales.get(orderId);
    if (sale?.status !== 'pending') return;
    const at = occurredAt(event);
    const day = this.day(utcDayOf(at), event.position);
    const { currency, lines, discount, total } = sale;
    const bucket = day.totals.get(currency) ?? emptyTotals(currency);
    day.totals.set(currency, {
      ...bucket,
      orders: bucket.orders + 1,
      units: bucket.units + lines.reduce((sum, l) => sum + l.quantity, 0),
      gross: bucket.gross + lines.reduce((sum, l) => sum + l.gross, 0),
      discounts: bucket.discounts + discount,
    });
    for (const { productId, name, category, quantity, gross } of lines) {
      const key = productKey({ productId, currency, category });
      const seen = day.products.get(key);
      day.products.set(key, {
        productId,
        currency,
        category,
        name,
        units: (seen?.units ?? 0) + quantity,
        gross: (seen?.gross ?? 0) + gross,
        updatedAt: at,
      });
    }
    if (total > 0)
      this.sales.set(orderId, { status: 'confirmed', currency, captured: total, refunded: 0 });
    else this.sales.delete(orderId);
  }

  private refund(event: RecordedEvent): void {
    const { orderId, amount } = event.data as PaymentRefunded['data'];
    const sale = this.sales.get(orderId);
    if (sale?.status !== 'confirmed') return;
    if (amount.currency !== sale.currency)
      throw new Error(`Refund of ${orderId} in another currency`);
    const day = this.day(utcDayOf(occurredAt(event)), event.position);
    const bucket = day.totals.get(sale.currency) ?? emptyTotals(sale.currency);
    day.totals.set(sale.currency, { ...bucket, refunds: bucket.refunds + amount.amount });
    sale.refunded += amount.amount;
    if (sale.refunded >= sale.captured) this.sales.delete(orderId);
  }

  private day(day: string, position: string): Day {
    let found = this.days.get(day);
    if (!found) {
      found = { totals: new Map(), products: new Map(), position };
      this.days.set(day, found);
    }
    found.position = position;
    return found;
  }

  private toDoc(day: string, { totals, products, position }: Day): SalesDayDoc {
    return {
      _id: day,
      day,
      totals: [...totals.values()].sort((a, b) => compare(a.currency, b.currency)),
      products: [...products.entries()].sort(([a], [b]) => compare(a, b)).map(([, b]) => b),
      _position: position,
    };
  }
}

const emptyTotals = (currency: string): CurrencyBucket => ({
  currency,
  orders: 0,
  units: 0,
  gross: 0,
  discounts: 0,
  refunds: 0,
});

function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  if (typeof at !== 'string') throw new Error(`Event ${event.eventId} has no occurredAt`);
  return at;
}
