import type { DomainEvent } from './envelope.js';

/** Events of `inventory-<productId>` streams. */
export type StockReceived = DomainEvent<
  'StockReceived',
  { readonly productId: string; readonly quantity: number }
>;

export type StockAdjusted = DomainEvent<
  'StockAdjusted',
  { readonly productId: string; readonly delta: number; readonly reason: string }
>;

export type StockReserved = DomainEvent<
  'StockReserved',
  {
    readonly productId: string;
    readonly reservationId: string;
    readonly quantity: number;
    readonly expiresAt: string;
  }
>;

/** Not enough stock: an outcome the fulfilment process reads, not an error. */
export type StockReservationFailed = DomainEvent<
  'StockReservationFailed',
  {
    readonly productId: string;
    readonly reservationId: string;
    readonly requested: number;
    readonly available: number;
  }
>;

// `string & {}` keeps the known reasons visible to editors while allowing others.
export type ReleaseReason = 'ORDER_REJECTED' | 'ORDER_CANCELLED' | 'EXPIRED' | (string & {});

export type ReservationReleased = DomainEvent<
  'ReservationReleased',
  {
    readonly productId: string;
    readonly reservationId: string;
    readonly quantity: number;
    readonly reason: ReleaseReason;
  }
>;

/** The sale, at order confirmation: the held units leave stock. */
export type ReservationCommitted = DomainEvent<
  'ReservationCommitted',
  { readonly productId: string; readonly reservationId: string; readonly quantity: number }
>;

/** A committed reservation's units come back (order cancelled after confirmation). */
export type StockReturned = DomainEvent<
  'StockReturned',
  { readonly productId: string; readonly reservationId: string; readonly quantity: number }
>;

export type InventoryEvent =
  | StockReceived
  | StockAdjusted
  | StockReserved
  | StockReservationFailed
  | ReservationReleased
  | ReservationCommitted
  | StockReturned;

export const inventoryStream = (productId: string) => `inventory-${productId}`;
