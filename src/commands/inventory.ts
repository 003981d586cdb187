import { AppError } from '../errors.js';
import type { InventoryEvent, ReleaseReason, ReservationReleased } from '../events/inventory.js';
import type { Aggregate } from './decider.js';

// State

export type ReservationStatus = 'held' | 'released' | 'committed' | 'returned';

export type Reservation = {
  readonly quantity: number;
  readonly expiresAt: string;
  readonly status: ReservationStatus;
};

export type FailedReservation = { readonly requested: number; readonly available: number };

/**
 * Inventory has no lifecycle, so one shape. Plain records (no Map/Set) so a
 * snapshot survives a JSON round trip. Every reservation id ever seen is kept:
 * that is what makes a redelivered ReserveStock a no-op. The records grow with
 * the product's order count; pruning settled ones needs a retention horizon.
 */
export type InventoryState = {
  readonly onHand: number;
  /** Sum of the quantities of held reservations. */
  readonly reserved: number;
  /** By reservationId (the order id). */
  readonly reservations: Readonly<Record<string, Reservation>>;
  /** Reservations refused for want of stock, so a retry changes nothing. */
  readonly failedReservations: Readonly<Record<string, FailedReservation>>;
};

export const emptyInventory: InventoryState = {
  onHand: 0,
  reserved: 0,
  reservations: {},
  failedReservations: {},
};

export function evolveInventory(state: InventoryState, event: InventoryEvent): InventoryState {
  switch (event.type) {
    case 'StockReceived':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockAdjusted':
      return { ...state, onHand: state.onHand + event.data.delta };
    case 'StockReserved': {
      const { reservationId, quantity, expiresAt } = event.data;
      return {
        ...state,
        reserved: state.reserved + quantity,
        reservations: {
          ...state.reservations,
          [reservationId]: { quantity, expiresAt, status: 'held' },
        },
      };
    }
    case 'StockReservationFailed': {
      const { reservationId, requested, available } = event.data;
      return {
        ...state,
        failedReservations: {
          ...state.failedReservations,
          [reservationId]: { requested, available },
        },
      };
    }
    case 'ReservationReleased': {
      const held = reservationIn(state, event.data.reservationId, 'held');
      if (!held) return state;
      return {
        ...state,
        reserved: state.reserved - held.quantity,
        reservations: settled(state, event.data.reservationId, held, 'released'),
      };
    }
    case 'ReservationCommitted': {
      const held = reservationIn(state, event.data.reservationId, 'held');
      if (!held) return state;
      return {
        ...state,
        onHand: state.onHand - held.quantity,
        reserved: state.reserved - held.quantity,
        reservations: settled(state, event.data.reservationId, held, 'committed'),
      };
    }
    case 'StockReturned': {
      const committed = reservationIn(state, event.data.reservationId, 'committed');
      if (!committed) return state;
      return {
        ...state,
        onHand: state.onHand + committed.quantity,
        reservations: settled(state, event.data.reservationId, committed, 'returned'),
      };
    }
  }
}

/** What GET /v1/inventory/:productId answers. */
export function availability(state: InventoryState) {
  return {
    onHand: state.onHand,
    reserved: state.reserved,
    available: state.onHand - state.reserved,
  };
}

/** Held reservations whose `expiresAt` is at or before `now`, in reservationId order. */
export function expiredReservations(state: InventoryState, now: string): string[] {
  const cutoff = Date.parse(now);
  return Object.entries(state.reservations)
    .filter(([, r]) => r.status === 'held' && Date.parse(r.expiresAt) <= cutoff)
    .map(([reservationId]) => reservationId)
    .sort();
}

function findReservation(state: InventoryState, reservationId: string): Reservation | undefined {
  // Own keys only: an id such as "constructor" must not find Object.prototype's.
  return Object.hasOwn(state.reservations, reservationId)
    ? state.reservations[reservationId]
    : undefined;
}

function reservationIn(state: InventoryState, reservationId: string, status: ReservationStatus) {
  const reservation = findReservation(state, reservationId);
  return reservation?.status === status ? reservation : undefined;
}

function settled(
  state: InventoryState,
  reservationId: string,
  reservation: Reservation,
  status: ReservationStatus,
) {
  return { ...state.reservations, [reservationId]: { ...reservation, status } };
}

// Commands

export type InventoryCommand =
  | { readonly type: 'ReceiveStock'; readonly productId: string; readonly quantity: number }
  | {
      readonly type: 'AdjustStock';
      readonly productId: string;
      readonly delta: number;
      readonly reason: string;
    }
  | {
      readonly type: 'ReserveStock';
      readonly productId: string;
      readonly reservationId: string;
      readonly quantity: number;
      readonly expiresAt: string;
    }
  | {
      readonly type: 'ReleaseReservation';
      readonly productId: string;
      readonly reservationId: string;
      readonly reason: ReleaseReason;
    }
  | {
      readonly type: 'CommitReservation';
      readonly productId: string;
      readonly reservationId: string;
    }
  | { readonly type: 'ReturnStock'; readonly productId: string; readonly reservationId: string }
  | { readonly type: 'ExpireReservations'; readonly productId: string; readonly now: string };

export function decideInventory(
  command: InventoryCommand,
  state: InventoryState,
): InventoryEvent[] {
  const { productId } = command;
  switch (command.type) {
    case 'ReceiveStock': {
      assertQuantity(command.quantity);
      assertStockLevel(state.onHand + command.quantity);
      return [{ type: 'StockReceived', data: { productId, quantity: command.quantity } }];
    }
    case 'AdjustStock': {
      const { delta, reason } = command;
      if (!Number.isSafeInteger(delta) || delta === 0) {
        throw new AppError('INVALID_QUANTITY', 'delta is a non-zero whole number');
      }
      if (state.onHand + delta < state.reserved) {
        throw new AppError(
          'ADJUSTMENT_BELOW_RESERVED',
          `Adjusting by ${delta} would leave ${state.onHand + delta} on hand, below the ${state.reserved} reserved`,
          { onHand: state.onHand, reserved: state.reserved, delta },
        );
      }
      assertStockLevel(state.onHand + delta);
      return [{ type: 'StockAdjusted', data: { productId, delta, reason } }];
    }
    case 'ReserveStock': {
      const { reservationId, quantity, expiresAt } = command;
      assertQuantity(quantity);
      assertTime(expiresAt, 'expiresAt');
      if (isKnown(state, reservationId)) return [];
      const { available } = availability(state);
      if (available < quantity) {
        return [
          {
            type: 'StockReservationFailed',
            data: { productId, reservationId, requested: quantity, available },
          },
        ];
      }
      return [{ type: 'StockReserved', data: { productId, reservationId, quantity, expiresAt } }];
    }
    case 'ReleaseReservation': {
      const held = reservationIn(state, command.reservationId, 'held');
      if (!held) return [];
      return [released(productId, command.reservationId, held, command.reason)];
    }
    case 'CommitReservation': {
      const { reservationId } = command;
      const reservation = findReservation(state, reservationId);
      if (reservation?.status === 'committed') return [];
      if (reservation?.status !== 'held') {
        throw new AppError('RESERVATION_NOT_HELD', `Reservation ${reservationId} is not held`, {
          reservationId,
          status: reservation?.status ?? 'none',
        });
      }
      return [
        {
          type: 'ReservationCommitted',
          data: { productId, reservationId, quantity: reservation.quantity },
        },
      ];
    }
    case 'ReturnStock': {
      const { reservationId } = command;
      const reservation = findReservation(state, reservationId);
      switch (reservation?.status) {
        case 'committed':
          return [
            {
              type: 'StockReturned',
              data: { productId, reservationId, quantity: reservation.quantity },
            },
          ];
        case 'held':
          return [released(productId, reservationId, reservation, 'ORDER_CANCELLED')];
        default:
          return [];
      }
    }
    case 'ExpireReservations': {
      assertTime(command.now, 'now');
      return expiredReservations(state, command.now).flatMap((reservationId) => {
        const held = reservationIn(state, reservationId, 'held');
        return held ? [released(productId, reservationId, held, 'EXPIRED')] : [];
      });
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function isKnown(state: InventoryState, reservationId: string): boolean {
  const records = [state.reservations, state.failedReservations];
  return records.some((record) => Object.hasOwn(record, reservationId));
}

function released(
  productId: string,
  reservationId: string,
  reservation: Reservation,
  reason: ReleaseReason,
): ReservationReleased {
  return {
    type: 'ReservationReleased',
    data: { productId, reservationId, quantity: reservation.quantity, reason },
  };
}

function assertQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new AppError('INVALID_QUANTITY', 'quantity is a positive whole number');
  }
}

function assertStockLevel(onHand: number): void {
  if (!Number.isSafeInteger(onHand)) {
    throw new AppError('INVALID_QUANTITY', 'The resulting stock level is too large');
  }
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function assertTime(value: string, field: string): void {
  if (!isoTime.test(value) || Number.isNaN(Date.parse(value))) {
    throw new AppError('INVALID_TIME', `${field} is an ISO 8601 time`);
  }
}

export const inventoryAggregate: Aggregate<InventoryState, InventoryCommand, InventoryEvent> = {
  category: 'inventory',
  decider: { initialState: emptyInventory, decide: decideInventory, evolve: evolveInventory },
  snapshot: { version: 'inventory-v1', every: 200 },
};
