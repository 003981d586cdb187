import { dataOf, idOf, type LogIndex } from './log-index.js';
import { STANDING, type FoldedOrder } from './order-audit.js';

export interface StockLevels {
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

type ReservationStatus = 'held' | 'committed' | 'released' | 'returned';

interface FoldedStock {
  onHand: number;
  reserved: number;
  readonly reservations: Map<string, { quantity: number; status: ReservationStatus }>;
}

/**
 * Folds each inventory stream independently: every step keeps stock
 * consistent (never oversold, nothing released or committed that was not
 * held), the API's levels equal the fold, and each order's reservations
 * ended as its outcome requires.
 */
export function auditInventory(
  log: LogIndex,
  orders: ReadonlyMap<string, FoldedOrder>,
  apiLevels: ReadonlyMap<string, StockLevels>,
): string[] {
  const violations: string[] = [];
  const folded = new Map<string, FoldedStock>();
  for (const [streamId, events] of log.category('inventory')) {
    const stock: FoldedStock = { onHand: 0, reserved: 0, reservations: new Map() };
    folded.set(idOf(streamId), stock);
    for (const event of events) {
      const problem = step(stock, event.type, dataOf(event));
      const where = `${streamId}@${event.revision} ${event.type}`;
      if (problem) violations.push(`${where}: ${problem}`);
      if (stock.onHand - stock.reserved < 0 || stock.reserved < 0) {
        violations.push(`${where}: onHand ${stock.onHand}, reserved ${stock.reserved}`);
      }
    }
  }

  for (const [productId, levels] of apiLevels) {
    const stock = folded.get(productId) ?? { onHand: 0, reserved: 0 };
    const expected = {
      onHand: stock.onHand,
      reserved: stock.reserved,
      available: stock.onHand - stock.reserved,
    };
    if (JSON.stringify(levels) !== JSON.stringify(expected)) {
      violations.push(
        `product ${productId}: the API says ${JSON.stringify(levels)}, its events ${JSON.stringify(expected)}`,
      );
    }
    if (levels.available < 0 || levels.onHand - levels.reserved !== levels.available) {
      violations.push(`product ${productId}: inconsistent levels ${JSON.stringify(levels)}`);
    }
    if (stock.reserved !== 0) {
      violations.push(
        `product ${productId}: ${stock.reserved} still reserved after every order was decided`,
      );
    }
  }

  for (const [productId, stock] of folded) {
    for (const [orderId, reservation] of stock.reservations) {
      const order = orders.get(orderId);
      const line = order?.lines.find((l) => l.productId === productId);
      if (!order || !line) {
        violations.push(`product ${productId}: reservation ${orderId} belongs to no order line`);
      } else if (line.quantity !== reservation.quantity) {
        violations.push(
          `order ${orderId} reserved ${reservation.quantity} of ${productId} for a line of ${line.quantity}`,
        );
      }
    }
  }
  for (const order of orders.values()) {
    for (const line of order.lines) {
      const status = folded.get(line.productId)?.reservations.get(order.orderId)?.status;
      const allowed: readonly (ReservationStatus | undefined)[] = STANDING.has(order.status)
        ? ['committed']
        : order.status === 'cancelled' && order.wasConfirmed
          ? ['returned']
          : ['released', 'returned', undefined];
      if (!allowed.includes(status)) {
        violations.push(
          `${order.status} order ${order.orderId}: its reservation of ${line.productId} is ${status ?? 'absent'}`,
        );
      }
    }
  }
  return violations;
}

/** Applies one inventory event; returns what is wrong with it, if anything. */
function step(stock: FoldedStock, type: string, data: Record<string, unknown>): string | undefined {
  const id = String(data.reservationId);
  const reservation = stock.reservations.get(id);
  const quantity = Number(data.quantity);
  switch (type) {
    case 'StockReceived':
      stock.onHand += quantity;
      return undefined;
    case 'StockAdjusted':
      stock.onHand += Number(data.delta);
      return stock.onHand < stock.reserved ? 'adjusted below what is reserved' : undefined;
    case 'StockReserved':
      if (reservation) return `reservation ${id} made twice`;
      if (quantity > stock.onHand - stock.reserved) {
        return `reserved ${quantity} with ${stock.onHand - stock.reserved} available`;
      }
      stock.reserved += quantity;
      stock.reservations.set(id, { quantity, status: 'held' });
      return undefined;
    case 'StockReservationFailed':
      return Number(data.available) !== stock.onHand - stock.reserved ||
        Number(data.requested) <= stock.onHand - stock.reserved
        ? `refused ${String(data.requested)} with ${stock.onHand - stock.reserved} available (event says ${String(data.available)})`
        : undefined;
    case 'ReservationReleased':
    case 'ReservationCommitted':
      if (reservation?.status !== 'held')
        return `reservation ${id} is ${reservation?.status ?? 'absent'}`;
      if (quantity !== reservation.quantity)
        return `quantity ${quantity}, reserved ${reservation.quantity}`;
      stock.reserved -= quantity;
      if (type === 'ReservationCommitted') stock.onHand -= quantity;
      reservation.status = type === 'ReservationCommitted' ? 'committed' : 'released';
      return undefined;
    case 'StockReturned':
      if (reservation?.status !== 'committed')
        return `reservation ${id} is ${reservation?.status ?? 'absent'}`;
      stock.onHand += reservation.quantity;
      reservation.status = 'returned';
      return undefined;
    default:
      return `unknown event type`;
  }
}
