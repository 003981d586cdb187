import type { OrderPlaced } from '../../events/order.js';
import type { PaymentRefunded } from '../../events/payment.js';
import type { ProductCreated, ProductUpdated } from '../../events/product.js';
import type { RecordedEvent } from '../../stores/event-store.js';
import type { Doc } from '../../stores/read-store.js';
import { docKey, type DocKey, type Projection } from '../projection.js';
import {
  addConfirmation,
  addRefund,
  confirmedTotals,
  emptyDay,
  refundedTotals,
} from './sales-day.js';
import {
  SALES,
  SALES_ORDERS,
  SALES_PRODUCTS,
  SALES_TOTALS,
  UNCATEGORIZED,
  utcDayOf,
  type ClosedSale,
  type PendingSale,
  type SalesDayDoc,
  type SalesOrderDoc,
  type SalesProductDoc,
  type SalesTotalsDoc,
} from './sales-doc.js';

type SalesEvent =
  | ProductCreated
  | ProductUpdated
  | OrderPlaced
  | { readonly type: 'OrderConfirmed' | 'OrderRejected' | 'OrderCancelled'; readonly data: Ref }
  | PaymentRefunded;

interface Ref {
  readonly orderId: string;
}

const SALES_EVENT_TYPES: readonly SalesEvent['type'][] = [
  'ProductCreated',
  'ProductUpdated',
  'OrderPlaced',
  'OrderConfirmed',
  'OrderRejected',
  'OrderCancelled',
  'PaymentRefunded',
];

function salesEventOf(event: RecordedEvent): SalesEvent | undefined {
  return (SALES_EVENT_TYPES as readonly string[]).includes(event.type)
    ? ({ type: event.type, data: event.data } as SalesEvent)
    : undefined;
}

const productKey = (productId: string): DocKey => ({ collection: SALES_PRODUCTS, id: productId });
const orderKey = (orderId: string): DocKey => ({ collection: SALES_ORDERS, id: orderId });
const dayKey = (day: string): DocKey => ({ collection: SALES, id: day });
const totalsKey = (day: string): DocKey => ({ collection: SALES_TOTALS, id: day });

function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  if (typeof at !== 'string') throw new Error(`Event ${event.eventId} has no occurredAt`);
  return at;
}

const dayOf = (event: RecordedEvent): string => utcDayOf(occurredAt(event));

const closed = (orderId: string): ClosedSale => ({ _id: orderId, status: 'closed' });

type Changes = Map<string, Doc | undefined>;

/**
 * Reporting: per UTC day, currency buckets (orders confirmed, their units,
 * line totals and discounts, money refunded) and product buckets (units and
 * line totals of the orders confirmed). Rejected orders and orders cancelled
 * before confirmation count nowhere, not even their refunds. The currency
 * buckets are also kept alone, one small document per day, for the sales
 * report.
 */
export const salesProjection: Projection = {
  name: 'sales',
  version: 2,
  collections: [
    { name: SALES, indexes: [{ name: 'by_day', keys: { day: 1 } }] },
    { name: SALES_TOTALS, indexes: [{ name: 'by_day', keys: { day: 1 } }] },
    { name: SALES_ORDERS, indexes: [] },
    { name: SALES_PRODUCTS, indexes: [] },
  ],
  filter: { streamCategories: ['product', 'order', 'payment'], eventTypes: SALES_EVENT_TYPES },

  keys(event) {
    const sales = salesEventOf(event);
    switch (sales?.type) {
      case undefined:
        return [];
      case 'ProductCreated':
      case 'ProductUpdated':
        return [productKey(sales.data.productId)];
      case 'OrderPlaced': {
        const products = new Set(sales.data.lines.map((line) => line.productId));
        return [orderKey(sales.data.orderId), ...[...products].map(productKey)];
      }
      case 'OrderRejected':
      case 'OrderCancelled':
        return [orderKey(sales.data.orderId)];
      case 'OrderConfirmed':
      case 'PaymentRefunded':
        return [orderKey(sales.data.orderId), dayKey(dayOf(event)), totalsKey(dayOf(event))];
    }
  },

  apply(event, docs) {
    const sales = salesEventOf(event);
    const changes: Changes = new Map();
    if (!sales) return changes;
    const get = <T extends Doc>(key: DocKey) => docs.get(docKey(key)) as T | undefined;
    const set = (key: DocKey, doc: Doc) => changes.set(docKey(key), doc);
    switch (sales.type) {
      case 'ProductCreated': {
        const { productId, name, category } = sales.data;
        set(productKey(productId), { _id: productId, name, category });
        break;
      }
      case 'ProductUpdated': {
        const { productId, name, category } = sales.data;
        if (name === undefined && category === undefined) break;
        const known = get<SalesProductDoc>(productKey(productId));
        set(productKey(productId), {
          _id: productId,
          name: name ?? known?.name ?? '',
          category: category ?? known?.category ?? UNCATEGORIZED,
        });
        break;
      }
      case 'OrderPlaced': {
        const key = orderKey(sales.data.orderId);
        if (get(key)) break;
        const product = (id: string) => get<SalesProductDoc>(productKey(id));
        set(key, pendingSale(sales.data, product));
        break;
      }
      case 'OrderRejected':
      case 'OrderCancelled': {
        const key = orderKey(sales.data.orderId);
        if (get<SalesOrderDoc>(key)?.status === 'pending') set(key, closed(sales.data.orderId));
        break;
      }
      case 'OrderConfirmed': {
        const { orderId } = sales.data;
        const sale = get<SalesOrderDoc>(orderKey(orderId));
        if (sale?.status !== 'pending') break;
        const day = dayOf(event);
        const before = get<SalesDayDoc>(dayKey(day)) ?? emptyDay(day);
        set(dayKey(day), addConfirmation(before, sale, occurredAt(event)));
        const totals = get<SalesTotalsDoc>(totalsKey(day))?.totals ?? [];
        set(totalsKey(day), { _id: day, day, totals: confirmedTotals(totals, sale) });
        const { currency, total } = sale;
        set(
          orderKey(orderId),
          total > 0
            ? { _id: orderId, status: 'confirmed', currency, captured: total, refunded: 0 }
            : closed(orderId),
        );
        break;
      }
      case 'PaymentRefunded': {
        const { orderId, amount } = sales.data;
        const sale = get<SalesOrderDoc>(orderKey(orderId));
        if (sale?.status !== 'confirmed') break;
        if (amount.currency !== sale.currency) {
          throw new Error(`Refund of order ${orderId} in ${amount.currency}, not ${sale.currency}`);
        }
        const day = dayOf(event);
        const before = get<SalesDayDoc>(dayKey(day)) ?? emptyDay(day);
        set(dayKey(day), addRefund(before, sale.currency, amount.amount));
        const totals = get<SalesTotalsDoc>(totalsKey(day))?.totals ?? [];
        set(totalsKey(day), {
          _id: day,
          day,
          totals: refundedTotals(totals, sale.currency, amount.amount),
        });
        const refunded = sale.refunded + amount.amount;
        set(orderKey(orderId), refunded >= sale.captured ? closed(orderId) : { ...sale, refunded });
        break;
      }
    }
    return changes;
  },
};

/** What the confirmation needs; names and categories as the catalogue has them now. */
function pendingSale(
  order: OrderPlaced['data'],
  product: (productId: string) => SalesProductDoc | undefined,
): PendingSale {
  const { orderId, currency, lines, totals } = order;
  return {
    _id: orderId,
    status: 'pending',
    currency,
    lines: lines.map(({ productId, name, quantity, lineTotal }) => ({
      productId,
      name: product(productId)?.name ?? name,
      category: product(productId)?.category ?? UNCATEGORIZED,
      quantity,
      gross: lineTotal.amount,
    })),
    discount: totals.discount.amount,
    total: totals.total.amount,
  };
}
