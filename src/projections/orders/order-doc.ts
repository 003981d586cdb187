import { zero, type Money } from '../../events/money.js';
import type {
  CancelledBy,
  OrderCancelled,
  OrderEvent,
  OrderLine,
  OrderPlaced,
  OrderShipped,
  OrderTotals,
  PaymentDetails,
  RejectionReason,
  ShippingAddress,
} from '../../events/order.js';
import type { Doc } from '../../stores/read-store.js';

export type OrderStatus =
  'pending' | 'confirmed' | 'rejected' | 'cancelled' | 'shipped' | 'delivered' | 'refunded';

export type Cancellation = Omit<OrderCancelled['data'], 'orderId'>;
export type Shipment = Omit<OrderShipped['data'], 'orderId'>;

/** One step of an order's life: when it happened, where it is in the log, and a few details. */
export interface TimelineEntry {
  readonly type: OrderEvent['type'];
  /** The event's `metadata.occurredAt`. */
  readonly at: string;
  readonly position: string;
  readonly reason?: string;
  readonly by?: CancelledBy;
  readonly refundDue?: Money;
  readonly carrier?: string;
  readonly trackingNumber?: string;
  readonly amount?: Money;
  readonly full?: boolean;
}

/**
 * An order as its owner sees it (`orderView` of its state, card token left
 * out), plus `updatedAt` and the timeline.
 */
export interface OrderRecord {
  readonly _id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly reason?: RejectionReason;
  readonly placedAt: string;
  readonly updatedAt: string;
  readonly lines: readonly OrderLine[];
  readonly currency: string;
  readonly totals: OrderTotals;
  readonly coupon?: OrderPlaced['data']['coupon'];
  readonly shippingAddress: ShippingAddress;
  readonly paymentMethod: PaymentDetails['method'];
  readonly partiallyRefunded: boolean;
  readonly refunded: Money;
  readonly cancellation?: Cancellation;
  readonly shipment?: Shipment;
  readonly deliveredAt?: string;
  readonly timeline: readonly TimelineEntry[];
}

/** An order as stored: the record and the position of the last event applied. */
export interface OrderDoc extends OrderRecord, Doc {}

/** Where the event sits in the log and when it happened. */
export interface EventPlace {
  readonly at: string;
  readonly position: string;
}

/**
 * The order document after an event; `doc` itself when the event does not
 * apply (the same transitions as the order aggregate's `evolve`).
 */
export function evolveOrderDoc(
  doc: OrderDoc | undefined,
  event: OrderEvent,
  place: EventPlace,
): OrderDoc | undefined {
  if (event.type === 'OrderPlaced') return doc ?? placed(event.data, place);
  if (!doc) return doc;
  const step = (changes: Partial<OrderDoc>, details: Partial<TimelineEntry> = {}): OrderDoc => ({
    ...doc,
    ...changes,
    updatedAt: place.at,
    timeline: [...doc.timeline, { type: event.type, ...place, ...details }],
  });
  switch (event.type) {
    case 'OrderConfirmed':
      return doc.status === 'pending' ? step({ status: 'confirmed' }) : doc;
    case 'OrderRejected': {
      if (doc.status !== 'pending') return doc;
      const { reason } = event.data;
      return step({ status: 'rejected', reason }, { reason });
    }
    case 'OrderCancelled': {
      if (doc.status !== 'pending' && doc.status !== 'confirmed' && doc.status !== 'shipped') {
        return doc;
      }
      const { orderId: _, ...cancellation } = event.data;
      const { by, reason, refundDue } = cancellation;
      return step(
        { status: 'cancelled', cancellation },
        { by, ...(reason === undefined ? {} : { reason }), refundDue },
      );
    }
    case 'OrderShipped': {
      if (doc.status !== 'confirmed') return doc;
      const { orderId: _, ...shipment } = event.data;
      const { carrier, trackingNumber } = shipment;
      return step({ status: 'shipped', shipment }, { carrier, trackingNumber });
    }
    case 'OrderDelivered':
      return doc.status === 'shipped'
        ? step({ status: 'delivered', deliveredAt: event.data.deliveredAt })
        : doc;
    case 'OrderRefunded': {
      const captured =
        doc.status === 'confirmed' || doc.status === 'shipped' || doc.status === 'delivered';
      if (!captured) return doc;
      const { amount, reason, refundedTotal, full } = event.data;
      const details = { amount, reason, full };
      return full
        ? step({ status: 'refunded', refunded: refundedTotal, partiallyRefunded: false }, details)
        : step({ refunded: refundedTotal, partiallyRefunded: true }, details);
    }
  }
}

function placed(data: OrderPlaced['data'], place: EventPlace): OrderDoc {
  const { orderId, customerId, placedAt, lines, currency, totals, coupon, shippingAddress } = data;
  return {
    _id: orderId,
    orderId,
    customerId,
    status: 'pending',
    placedAt,
    updatedAt: place.at,
    lines,
    currency,
    totals,
    ...(coupon ? { coupon } : {}),
    shippingAddress,
    paymentMethod: data.payment.method,
    partiallyRefunded: false,
    refunded: zero(currency),
    timeline: [{ type: 'OrderPlaced', ...place }],
  };
}
