import type { InventoryEvent } from '../../events/inventory.js';

export interface StockLevels {
  readonly onHand: number;
  readonly reserved: number;
  /** onHand - reserved. */
  readonly available: number;
}

export const noStock: StockLevels = { onHand: 0, reserved: 0, available: 0 };

/**
 * Stock after an inventory event. The inventory decider only records
 * releases, commits and returns of reservations in the matching state, so
 * the quantities on the events can be applied as they are.
 */
export function stockAfter(stock: StockLevels, event: InventoryEvent): StockLevels {
  const [onHand, reserved] = change(event);
  return levels(stock.onHand + onHand, stock.reserved + reserved);
}

/** How much the event changes `available` by. */
export function availableChange(event: InventoryEvent): number {
  const [onHand, reserved] = change(event);
  return onHand - reserved;
}

/** Units sold by the event: a committed reservation is a sale, returned stock undoes one. */
export function unitsSoldBy(event: InventoryEvent): number {
  switch (event.type) {
    case 'ReservationCommitted':
      return event.data.quantity;
    case 'StockReturned':
      return -event.data.quantity;
    default:
      return 0;
  }
}

const levels = (onHand: number, reserved: number): StockLevels => ({
  onHand,
  reserved,
  available: onHand - reserved,
});

/** [onHand delta, reserved delta]. */
function change(event: InventoryEvent): readonly [number, number] {
  switch (event.type) {
    case 'StockReceived':
      return [event.data.quantity, 0];
    case 'StockAdjusted':
      return [event.data.delta, 0];
    case 'StockReserved':
      return [0, event.data.quantity];
    case 'StockReservationFailed':
      return [0, 0];
    case 'ReservationReleased':
      return [0, -event.data.quantity];
    case 'ReservationCommitted':
      return [-event.data.quantity, -event.data.quantity];
    case 'StockReturned':
      return [event.data.quantity, 0];
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
