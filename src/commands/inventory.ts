import { AppError } from '../errors.js';
import type {
  InventoryEvent,
  ReleaseReason,
  ReservationReleased,
  StockReturned,
} from '../events/inventory.js';
import type { Aggregate } from './decider.js';
import {
  noOutcomes,
  recall,
  remember,
  type OutcomeLimits,
  type RecentOutcomes,
} from './recent-outcomes.js';

// State

/** A reservation still holding stock: what is in flight. */
export type HeldReservation = { readonly quantity: number; readonly expiresAt: string };

export type SettledStatus = 'released' | 'committed' | 'returned' | 'failed';

/** What became of a reservation that holds no stock; for a failed one, the quantity asked for. */
export type SettledReservation = { readonly status: SettledStatus; readonly quantity: number };

/**
 * Inventory has no lifecycle, so one shape. Plain records (no Map/Set) so a
 * snapshot survives a JSON round trip. Held reservations are kept until they
 * are settled; settled ones only as recent outcomes (at most
 * SETTLED_KEPT.groups x SETTLED_KEPT.groupSize), so the state is bounded by
 * what is in flight. A reservation id dropped from the recent outcomes is
 * still recognised as possibly seen (see RecentOutcomes.forgottenThrough), so
 * a redelivered ReserveStock, ReleaseReservation or CommitReservation for it
 * changes nothing; returns of such a reservation are kept to once per order
 * by the fulfilment process.
 */
export type InventoryState = {
  readonly onHand: number;
  /** Sum of the quantities of held reservations. */
  readonly reserved: number;
  /** By reservationId (the order id). */
  readonly held: Readonly<Record<string, HeldReservation>>;
  /** Outcomes of recently settled or refused reservations, by reservationId. */
  readonly settled: RecentOutcomes<SettledReservation>;
};

// Small groups: settling a reservation copies the open group, so its size is paid per order.
export const SETTLED_KEPT: OutcomeLimits = { groupSize: 16, groups: 16 };

export const emptyInventory: InventoryState = {
  onHand: 0,
  reserved: 0,
  held: {},
  settled: noOutcomes,
};

/**
 * A reservation as the state knows it: held, settled, 'forgotten' (settled
 * long enough ago that only the fact that it may have existed is kept) or
 * 'none' (never made here).
 */
export type ReservationView =
  | ({ readonly status: 'held' } & HeldReservation)
  | SettledReservation
  | { readonly status: 'forgotten' | 'none' };

export function reservationOf(state: InventoryState, reservationId: string): ReservationView {
  // Own keys only: an id such as "constructor" must not find Object.prototype's.
  const held = Object.hasOwn(state.held, reservationId) ? state.held[reservationId] : undefined;
  if (held) return { status: 'held', ...held };
  const settled = recall(state.settled, reservationId);
  if (settled === 'forgotten') return { status: 'forgotten' };
  return settled ?? { status: 'none' };
}

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
        held: { ...state.held, [reservationId]: { quantity, expiresAt } },
      };
    }
    case 'StockReservationFailed': {
      const { reservationId, requested } = event.data;
      return settle(state, reservationId, { status: 'failed', quantity: requested });
    }
    case 'ReservationReleased': {
      const { reservationId } = event.data;
      const reservation = reservationOf(state, reservationId);
      if (reservation.status !== 'held') return state;
      const { quantity } = reservation;
      return settle({ ...state, reserved: state.reserved - quantity }, reservationId, {
        status: 'released',
        quantity,
      });
    }
    case 'ReservationCommitted': {
      const { reservationId } = event.data;
      const reservation = reservationOf(state, reservationId);
      if (reservation.status !== 'held') return state;
      const { quantity } = reservation;
      return settle(
        { ...state, onHand: state.onHand - quantity, reserved: state.reserved - quantity },
        reservationId,
        { status: 'committed', quantity },
      );
    }
    case 'StockReturned': {
      const { reservationId } = event.data;
      const reservation = reservationOf(state, reservationId);
      // A forgotten reservation is returned as the event says (see ReturnStock).
      if (reservation.status !== 'committed' && reservation.status !== 'forgotten') return state;
      const quantity =
        reservation.status === 'committed' ? reservation.quantity : event.data.quantity;
      return settle({ ...state, onHand: state.onHand + quantity }, reservationId, {
        status: 'returned',
        quantity,
      });
    }
  }
}

/** Records the outcome of a reservation, which no longer holds stock. */
function settle(
  state: InventoryState,
  reservationId: string,
  outcome: SettledReservation,
): InventoryState {
  return {
    ...state,
    held: without(state.held, reservationId),
    settled: remember(state.settled, reservationId, outcome, SETTLED_KEPT),
  };
}

function without<V>(record: Readonly<Record<string, V>>, key: string) {
  if (!Object.hasOwn(record, key)) return record;
  const { [key]: _, ...rest } = record;
  return rest;
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
  return Object.entries(state.held)
    .filter(([, r]) => Date.parse(r.expiresAt) <= cutoff)
    .map(([reservationId]) => reservationId)
    .sort();
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
  | {
      readonly type: 'ReturnStock';
      readonly productId: string;
      readonly reservationId: string;
      /**
       * The committed quantity, returned as given when the reservation is no
       * longer remembered: the caller vouches that it was committed and
       * makes sure it is returned once.
       */
      readonly quantity: number;
    }
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
      // Held, settled or forgotten: a reservation id is used once.
      if (reservationOf(state, reservationId).status !== 'none') return [];
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
      const reservation = reservationOf(state, command.reservationId);
      if (reservation.status !== 'held') return [];
      return [released(productId, command.reservationId, reservation, command.reason)];
    }
    case 'CommitReservation': {
      const { reservationId } = command;
      const reservation = reservationOf(state, reservationId);
      if (reservation.status === 'committed') return [];
      if (reservation.status !== 'held') {
        throw new AppError('RESERVATION_NOT_HELD', `Reservation ${reservationId} is not held`, {
          reservationId,
          status: reservation.status,
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
      const reservation = reservationOf(state, reservationId);
      switch (reservation.status) {
        case 'committed':
          return [returned(productId, reservationId, reservation.quantity)];
        case 'forgotten':
          assertQuantity(command.quantity);
          assertStockLevel(state.onHand + command.quantity);
          return [returned(productId, reservationId, command.quantity)];
        case 'held':
          return [released(productId, reservationId, reservation, 'ORDER_CANCELLED')];
        default:
          return [];
      }
    }
    case 'ExpireReservations': {
      assertTime(command.now, 'now');
      return expiredReservations(state, command.now).flatMap((reservationId) => {
        const reservation = reservationOf(state, reservationId);
        return reservation.status === 'held'
          ? [released(productId, reservationId, reservation, 'EXPIRED')]
          : [];
      });
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function released(
  productId: string,
  reservationId: string,
  reservation: HeldReservation,
  reason: ReleaseReason,
): ReservationReleased {
  return {
    type: 'ReservationReleased',
    data: { productId, reservationId, quantity: reservation.quantity, reason },
  };
}

function returned(productId: string, reservationId: string, quantity: number): StockReturned {
  return { type: 'StockReturned', data: { productId, reservationId, quantity } };
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
  snapshot: { version: 'inventory-v2', every: 200 },
};
