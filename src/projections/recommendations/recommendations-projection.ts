import type { ReservationCommitted, StockReturned } from '../../events/inventory.js';
import type {
  OrderCancelled,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
} from '../../events/order.js';
import type { RecordedEvent } from '../../stores/event-store.js';
import type { Doc } from '../../stores/read-store.js';
import { asDomainEvent } from '../catalog/recorded-event.js';
import { docKey, type DocKey, type DocSet, type Projection } from '../projection.js';
import {
  RECOMMENDATION_ORDERS,
  RECOMMENDATIONS,
  type OrderBasketDoc,
  type RecommendationDoc,
} from './recommendations-doc.js';
import { addTo } from './together-counts.js';

export type RecommendationEvent =
  | OrderPlaced
  | OrderConfirmed
  | OrderRejected
  | OrderCancelled
  | ReservationCommitted
  | StockReturned;

type Changes = Map<string, Doc | undefined>;

const eventTypes: Record<RecommendationEvent['type'], true> = {
  OrderPlaced: true,
  OrderConfirmed: true,
  OrderRejected: true,
  OrderCancelled: true,
  ReservationCommitted: true,
  StockReturned: true,
};

/**
 * Bought together: for each product, how many confirmed orders also held
 * each other product.
 *
 * The count for a product moves with its own sale, the committed reservation
 * (reservation ids are order ids): `keys` sees only the event, and
 * OrderConfirmed names no products, so at confirmation the products'
 * documents could not be loaded. Fulfilment commits every line before it
 * confirms; an order rejected or cancelled after some commits returns that
 * stock, and those counts are taken back then.
 */
export const recommendationsProjection: Projection = {
  name: 'recommendations',
  version: 1,
  collections: [
    { name: RECOMMENDATIONS, indexes: [] },
    { name: RECOMMENDATION_ORDERS, indexes: [] },
  ],
  filter: {
    streamCategories: ['order', 'inventory'],
    eventTypes: Object.keys(eventTypes),
  },
  keys(recorded) {
    const event = asDomainEvent<RecommendationEvent>(recorded);
    switch (event.type) {
      case 'ReservationCommitted':
      case 'StockReturned':
        return [basketKey(event.data.reservationId), productKey(event.data.productId)];
      case 'OrderPlaced':
      case 'OrderConfirmed':
      case 'OrderRejected':
      case 'OrderCancelled':
        return [basketKey(event.data.orderId)];
      default:
        return [];
    }
  },
  apply(recorded: RecordedEvent, docs: DocSet) {
    const event = asDomainEvent<RecommendationEvent>(recorded);
    switch (event.type) {
      case 'OrderPlaced': {
        const productIds = [...new Set(event.data.lines.map((line) => line.productId))].sort();
        // One product makes no pair.
        if (productIds.length < 2) return new Map();
        const { orderId } = event.data;
        const basket: OrderBasketDoc = { _id: orderId, status: 'placed', productIds, counted: [] };
        return new Map([[docKey(basketKey(orderId)), basket]]);
      }
      case 'OrderConfirmed':
        // Every line was committed, so counted, before confirmation.
        return new Map([[docKey(basketKey(event.data.orderId)), undefined]]);
      case 'OrderRejected':
        return voided(docs, event.data.orderId);
      case 'OrderCancelled':
        // After confirmation the basket is gone and nothing is subtracted: the
        // products were still bought together. Before it, as for a rejection,
        // counted sales are taken back when their stock returns.
        return voided(docs, event.data.orderId);
      case 'ReservationCommitted':
        return countSale(docs, event.data.reservationId, event.data.productId);
      case 'StockReturned':
        return uncountSale(docs, event.data.reservationId, event.data.productId);
      default: {
        const _exhaustive: never = event;
        return new Map();
      }
    }
  },
};

const basketKey = (orderId: string): DocKey => ({ collection: RECOMMENDATION_ORDERS, id: orderId });
const productKey = (productId: string): DocKey => ({ collection: RECOMMENDATIONS, id: productId });

/** Rejected or cancelled before confirmation: forgotten, or kept until its counted sales return. */
function voided(docs: DocSet, orderId: string): Changes {
  const basket = basketOf(docs, orderId);
  if (basket?.status !== 'placed') return new Map();
  const after = basket.counted.length === 0 ? undefined : { ...basket, status: 'void' };
  return new Map([[docKey(basketKey(orderId)), after]]);
}

/** A product's sale in a placed order: counted with each other product of the order. */
function countSale(docs: DocSet, orderId: string, productId: string): Changes {
  const basket = basketOf(docs, orderId);
  if (basket?.status !== 'placed' || !basket.productIds.includes(productId)) return new Map();
  if (basket.counted.includes(productId)) return new Map();
  const counted = [...basket.counted, productId].sort();
  return new Map<string, Doc | undefined>([
    [docKey(basketKey(orderId)), { ...basket, counted }],
    changedCounts(docs, basket, productId, +1),
  ]);
}

/** A counted sale of a voided order comes back: its counts are taken back. */
function uncountSale(docs: DocSet, orderId: string, productId: string): Changes {
  const basket = basketOf(docs, orderId);
  if (basket?.status !== 'void' || !basket.counted.includes(productId)) return new Map();
  const counted = basket.counted.filter((id) => id !== productId);
  return new Map<string, Doc | undefined>([
    [docKey(basketKey(orderId)), counted.length === 0 ? undefined : { ...basket, counted }],
    changedCounts(docs, basket, productId, -1),
  ]);
}

const basketOf = (docs: DocSet, orderId: string) =>
  docs.get(docKey(basketKey(orderId))) as OrderBasketDoc | undefined;

function changedCounts(
  docs: DocSet,
  basket: OrderBasketDoc,
  productId: string,
  sign: 1 | -1,
): [string, RecommendationDoc] {
  const key = docKey(productKey(productId));
  const before = docs.get(key) as RecommendationDoc | undefined;
  const others = basket.productIds.filter((id) => id !== productId);
  return [
    key,
    { _id: productId, productId, together: addTo(before?.together ?? [], others, sign) },
  ];
}
