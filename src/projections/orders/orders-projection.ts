import type { OrderEvent } from '../../events/order.js';
import type { RecordedEvent } from '../../stores/event-store.js';
import type { Doc } from '../../stores/read-store.js';
import { docKey, type DocKey, type DocSet, type Projection } from '../projection.js';
import { evolveOrderDoc, type OrderDoc } from './order-doc.js';

/** The order history read model's collection (also its public name). */
export const ORDERS = 'orders';

const ORDER_EVENT_TYPES: readonly OrderEvent['type'][] = [
  'OrderPlaced',
  'OrderConfirmed',
  'OrderRejected',
  'OrderCancelled',
  'OrderShipped',
  'OrderDelivered',
  'OrderRefunded',
];

function orderEventOf(event: RecordedEvent): OrderEvent | undefined {
  return (ORDER_EVENT_TYPES as readonly string[]).includes(event.type)
    ? ({ type: event.type, data: event.data } as OrderEvent)
    : undefined;
}

const orderKey = (orderId: string): DocKey => ({ collection: ORDERS, id: orderId });

function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  if (typeof at !== 'string') throw new Error(`Event ${event.eventId} has no occurredAt`);
  return at;
}

/** Order history: one document per order, the card token never stored. */
export const ordersProjection: Projection = {
  name: 'orders',
  version: 1,
  collections: [
    {
      name: ORDERS,
      indexes: [{ name: 'by_customer_newest', keys: { customerId: 1, placedAt: -1, _id: -1 } }],
    },
  ],
  filter: { streamCategories: ['order'], eventTypes: ORDER_EVENT_TYPES },

  keys(event) {
    const order = orderEventOf(event);
    return order ? [orderKey(order.data.orderId)] : [];
  },

  apply(event, docs: DocSet) {
    const order = orderEventOf(event);
    if (!order) return new Map();
    const key = docKey(orderKey(order.data.orderId));
    const before = docs.get(key) as OrderDoc | undefined;
    const place = { at: occurredAt(event), position: event.position };
    const after = evolveOrderDoc(before, order, place);
    return after === before ? new Map() : new Map<string, Doc | undefined>([[key, after]]);
  },
};
