import type { Doc } from '../../stores/read-store.js';

/** The reporting read model's public collection: one document per UTC day. */
export const SALES = 'sales';
/**
 * The day's currency buckets alone (`SalesTotalsDoc`, one per UTC day), so a
 * sales report reads a few small documents instead of the product buckets.
 */
export const SALES_TOTALS = 'sales_totals';
/** Private: what the projection remembers of each order until no more money can move. */
export const SALES_ORDERS = 'sales_orders';
/** Private: each product's current name and category. */
export const SALES_PRODUCTS = 'sales_products';

export const UNCATEGORIZED = 'uncategorized';

/** Order-level figures of one day and currency (the `(day, '*', currency)` bucket). */
export interface CurrencyBucket {
  readonly currency: string;
  /** Orders confirmed that day. */
  readonly orders: number;
  /** Their units, line totals and discounts. */
  readonly units: number;
  readonly gross: number;
  readonly discounts: number;
  /** Money refunded that day on confirmed orders, whenever they were confirmed. */
  readonly refunds: number;
}

/**
 * One product's figures of one day and currency, from the orders confirmed
 * that day, per category the product had when each order was placed (a
 * product changes category rarely; its units stay where they were counted).
 */
export interface ProductBucket {
  readonly productId: string;
  readonly currency: string;
  readonly category: string;
  /** The product's name when the latest order counted here was placed. */
  readonly name: string;
  readonly units: number;
  /** Sum of its line totals (before order discounts). */
  readonly gross: number;
  /** When the latest order counted here was confirmed. */
  readonly updatedAt: string;
}

/**
 * A day's buckets. Buckets of a day share one document because a
 * confirmation names only its order: the document it updates must be known
 * from the event alone. Both lists are sorted by their keys.
 */
export interface SalesDayDoc extends Doc {
  /** `YYYY-MM-DD`, UTC; also the `_id`. */
  readonly day: string;
  readonly totals: readonly CurrencyBucket[];
  readonly products: readonly ProductBucket[];
}

/** A day's currency buckets, the same as its `SalesDayDoc`'s `totals`. */
export interface SalesTotalsDoc extends Doc {
  /** `YYYY-MM-DD`, UTC; also the `_id`. */
  readonly day: string;
  readonly totals: readonly CurrencyBucket[];
}

export interface SaleLine {
  readonly productId: string;
  readonly name: string;
  readonly category: string;
  readonly quantity: number;
  readonly gross: number;
}

/** Placed, not yet decided: what the confirmation will add to its day. */
export interface PendingSale extends Doc {
  readonly status: 'pending';
  readonly currency: string;
  readonly lines: readonly SaleLine[];
  readonly discount: number;
  /** What will be captured: `totals.total`. */
  readonly total: number;
}

/** Confirmed with money left to refund. */
export interface ConfirmedSale extends Doc {
  readonly status: 'confirmed';
  readonly currency: string;
  readonly captured: number;
  readonly refunded: number;
}

/**
 * Rejected, cancelled before confirmation, or refunded in full: nothing more
 * will count. Kept (tiny) so the runner can tell a replayed event by position.
 */
export interface ClosedSale extends Doc {
  readonly status: 'closed';
}

export type SalesOrderDoc = PendingSale | ConfirmedSale | ClosedSale;

export interface SalesProductDoc extends Doc {
  readonly name: string;
  readonly category: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isUtcDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * A UTC time as the engine writes it, hour 00 to 23: whether it is valid and
 * which day it falls on depend on its date alone, once that has parsed.
 */
const UTC_TIME = /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{3})?)?Z$/;

/** The date of the last such time parsed, and its day (the log is in time order). */
let lastParsed: { readonly date: string; readonly day: string } | undefined;

/** The UTC date (`YYYY-MM-DD`) of an ISO 8601 time. */
export function utcDayOf(time: string): string {
  const date = UTC_TIME.exec(time)?.[1];
  if (date !== undefined && lastParsed?.date === date) return lastParsed.day;
  const parsed = new Date(time);
  if (Number.isNaN(parsed.getTime())) throw new Error(`Not a time: ${JSON.stringify(time)}`);
  const day = parsed.toISOString().slice(0, 10);
  if (date !== undefined) lastParsed = { date, day };
  return day;
}
