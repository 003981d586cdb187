import { dataOf, idOf, type LogIndex } from './log-index.js';

export interface FoldedOrder {
  readonly orderId: string;
  readonly customerId: string;
  status: 'pending' | 'confirmed' | 'rejected' | 'cancelled' | 'shipped' | 'delivered' | 'refunded';
  readonly total: number;
  readonly currency: string;
  readonly lines: readonly { productId: string; quantity: number }[];
  readonly promotionId: string | undefined;
  readonly paymentToken: string;
  /** Sum of OrderRefunded amounts. */
  refunded: number;
  readonly refundIds: string[];
  wasConfirmed: boolean;
  rejection?: string;
}

/** Money was taken and the order stands (stock committed, coupon used). */
export const STANDING = new Set(['confirmed', 'shipped', 'delivered', 'refunded']);

/** The transitions of the order lifecycle the API documents; anything else is a violation. */
const NEXT: Record<string, Record<string, FoldedOrder['status'] | 'same'>> = {
  pending: { OrderConfirmed: 'confirmed', OrderRejected: 'rejected', OrderCancelled: 'cancelled' },
  confirmed: { OrderShipped: 'shipped', OrderCancelled: 'cancelled', OrderRefunded: 'same' },
  shipped: { OrderDelivered: 'delivered', OrderCancelled: 'cancelled', OrderRefunded: 'same' },
  delivered: { OrderRefunded: 'same' },
  refunded: {},
  rejected: {},
  cancelled: {},
};

/**
 * Folds every order stream with the documented lifecycle, independently of
 * the engine's decider. Every order must have left `pending`.
 */
export function auditOrders(log: LogIndex): {
  orders: Map<string, FoldedOrder>;
  violations: string[];
} {
  const orders = new Map<string, FoldedOrder>();
  const violations: string[] = [];
  for (const [streamId, events] of log.category('order')) {
    const orderId = idOf(streamId);
    const [first, ...rest] = events;
    if (first?.type !== 'OrderPlaced') {
      violations.push(`${streamId} starts with ${first?.type}`);
      continue;
    }
    const placed = dataOf(first);
    const totals = placed.totals as { total: { amount: number; currency: string } };
    const order: FoldedOrder = {
      orderId,
      customerId: String(placed.customerId),
      status: 'pending',
      total: totals.total.amount,
      currency: totals.total.currency,
      lines: placed.lines as FoldedOrder['lines'],
      promotionId: (placed.coupon as { promotionId: string } | undefined)?.promotionId,
      paymentToken: (placed.payment as { token: string }).token,
      refunded: 0,
      refundIds: [],
      wasConfirmed: false,
    };
    orders.set(orderId, order);
    for (const event of rest) {
      const next = NEXT[order.status]?.[event.type];
      if (next === undefined) {
        violations.push(`${streamId}@${event.revision}: ${event.type} on a ${order.status} order`);
        continue;
      }
      const data = dataOf(event);
      if (event.type === 'OrderConfirmed') order.wasConfirmed = true;
      if (event.type === 'OrderRejected') order.rejection = String(data.reason);
      if (event.type === 'OrderCancelled' && data.wasConfirmed !== order.wasConfirmed) {
        violations.push(
          `${streamId}@${event.revision}: cancelled with wasConfirmed ${String(data.wasConfirmed)}`,
        );
      }
      if (event.type === 'OrderRefunded') {
        const amount = (data.amount as { amount: number }).amount;
        order.refunded += amount;
        order.refundIds.push(String(data.refundId));
        const full = order.refunded === order.total;
        if (
          order.refunded > order.total ||
          (data.refundedTotal as { amount: number }).amount !== order.refunded ||
          data.full !== full
        ) {
          violations.push(
            `${streamId}@${event.revision}: refund of ${amount} brings ${order.refunded} of ${order.total} (event says ${JSON.stringify(data)})`,
          );
        }
        if (full) order.status = 'refunded';
        continue;
      }
      if (next !== 'same') order.status = next;
    }
    if (order.status === 'pending') violations.push(`order ${orderId} was never decided`);
  }
  return { orders, violations };
}
