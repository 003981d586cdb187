import type { RecordedEvent } from '../../../../src/stores/event-store.js';
import type { Ack, OrderAck } from '../acks.js';
import { dataOf, type LogIndex } from './log-index.js';

/**
 * Every acknowledged command's effect is in the log: the event at the
 * position the answer named is the command's event, on the right stream, with
 * the acknowledged content.
 */
export function auditAcks(acks: readonly Ack[], log: LogIndex): string[] {
  const violations: string[] = [];
  const expectAt = (
    ack: Ack,
    stream: string,
    type: string,
    matches: (data: Record<string, unknown>) => boolean = () => true,
  ) => {
    const event = log.byPosition.get(ack.position);
    if (!event || event.streamId !== stream || event.type !== type || !matches(dataOf(event))) {
      violations.push(
        `acknowledged ${ack.kind} ${JSON.stringify(ack)}: expected ${type} on ${stream} at ${ack.position}, found ${describe(event)}`,
      );
    }
  };
  for (const ack of acks) {
    switch (ack.kind) {
      case 'order':
        violations.push(...auditOrderAck(ack, log));
        if (ack.status === 'pending') expectAt(ack, `order-${ack.orderId}`, 'OrderPlaced');
        else if (ack.status === 'confirmed')
          expectAt(ack, `order-${ack.orderId}`, 'OrderConfirmed');
        else expectAt(ack, `order-${ack.orderId}`, 'OrderRejected', (d) => d.reason === ack.reason);
        break;
      case 'cancel':
        expectAt(ack, `order-${ack.orderId}`, 'OrderCancelled');
        break;
      case 'ship':
        expectAt(ack, `order-${ack.orderId}`, 'OrderShipped');
        break;
      case 'deliver':
        expectAt(ack, `order-${ack.orderId}`, 'OrderDelivered');
        break;
      case 'refund':
        expectAt(
          ack,
          `order-${ack.orderId}`,
          'OrderRefunded',
          (d) =>
            d.refundId === ack.refundId && (d.amount as { amount: number }).amount === ack.amount,
        );
        break;
      case 'receive':
        expectAt(
          ack,
          `inventory-${ack.productId}`,
          'StockReceived',
          (d) => d.quantity === ack.quantity,
        );
        break;
      case 'adjust':
        expectAt(ack, `inventory-${ack.productId}`, 'StockAdjusted', (d) => d.delta === ack.delta);
        break;
      case 'cart-open':
        expectAt(ack, `cart-${ack.cartId}`, 'CartOpened');
        break;
      case 'cart-add':
        expectAt(
          ack,
          `cart-${ack.cartId}`,
          'ItemAdded',
          (d) => d.productId === ack.productId && d.quantity === ack.quantity,
        );
        break;
    }
  }
  return violations;
}

function auditOrderAck(ack: OrderAck, log: LogIndex): string[] {
  const [placed] = log.stream(`order-${ack.orderId}`);
  if (placed?.type !== 'OrderPlaced') {
    return [`acknowledged order ${ack.orderId} has no OrderPlaced (found ${describe(placed)})`];
  }
  const data = dataOf(placed);
  const total = (data.totals as { total: unknown }).total;
  const coupon = data.coupon as { code: string } | undefined;
  const problems: string[] = [];
  if (data.customerId !== ack.customerId || JSON.stringify(total) !== JSON.stringify(ack.total)) {
    problems.push(
      `order ${ack.orderId} was acknowledged as ${JSON.stringify(ack)} but placed as ${JSON.stringify(data)}`,
    );
  }
  if (ack.couponCode !== undefined && coupon?.code !== ack.couponCode) {
    problems.push(
      `order ${ack.orderId} was placed with coupon ${ack.couponCode}, the log says ${coupon?.code}`,
    );
  }
  if (ack.cartId !== undefined) {
    const checkedOut = log
      .stream(`cart-${ack.cartId}`)
      .some((e) => e.type === 'CartCheckedOut' && dataOf(e).orderId === ack.orderId);
    if (!checkedOut)
      problems.push(
        `cart ${ack.cartId} was checked out as order ${ack.orderId}: no CartCheckedOut`,
      );
  }
  return problems;
}

export function describe(event: RecordedEvent | undefined): string {
  return event
    ? `${event.type} on ${event.streamId}@${event.revision} (position ${event.position})`
    : 'nothing';
}
