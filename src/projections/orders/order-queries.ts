import { AppError } from '../../errors.js';
import type { ReadStore } from '../../stores/read-store.js';
import { decodeCursor, encodeCursor } from './history-cursor.js';
import type { OrderDoc, OrderRecord } from './order-doc.js';
import { ORDERS } from './orders-projection.js';

export interface HistoryPage {
  readonly items: readonly OrderRecord[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

export interface HistoryOptions {
  /** 1..100, default 20. */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface OrderQueries {
  /** A customer's orders, newest first (`placedAt`, then id, descending). */
  historyOf(customerId: string, options?: HistoryOptions): Promise<HistoryPage>;
  get(orderId: string): Promise<OrderRecord | undefined>;
}

export const DEFAULT_HISTORY_LIMIT = 20;
export const MAX_HISTORY_LIMIT = 100;

/** Queries over the live `orders` collection (or `collection`, when given). */
export function orderQueries(store: ReadStore, collection: string = ORDERS): OrderQueries {
  const orders = store.collection<OrderDoc>(collection);
  return {
    async historyOf(customerId, { limit = DEFAULT_HISTORY_LIMIT, cursor } = {}) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
        throw new AppError('VALIDATION_FAILED', 'Invalid limit', {
          errors: [{ path: 'limit', message: `an integer from 1 to ${MAX_HISTORY_LIMIT}` }],
        });
      }
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const filter = after
        ? {
            customerId,
            $or: [
              { placedAt: { $lt: after.placedAt } },
              { placedAt: after.placedAt, _id: { $lt: after.orderId } },
            ],
          }
        : { customerId };
      const found = await orders.find(filter, {
        sort: { placedAt: -1, _id: -1 },
        limit: limit + 1,
        projection: { _position: 0 },
      });
      const items = found.slice(0, limit);
      const last = items[items.length - 1];
      const nextCursor =
        found.length > limit && last
          ? encodeCursor({ placedAt: last.placedAt, orderId: last._id })
          : null;
      return { items, nextCursor };
    },

    async get(orderId) {
      const doc = await orders.get(orderId);
      if (!doc) return undefined;
      const { _position: _, ...record } = doc;
      return record;
    },
  };
}
