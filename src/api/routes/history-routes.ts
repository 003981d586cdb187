import { z } from 'zod';
import type { OrderRecord } from '../../projections/orders/order-doc.js';
import { orderQueries } from '../../projections/orders/order-queries.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps } from '../route.js';
import { money } from '../schemas.js';
import { caller } from './place-order.js';
import { asQuery, cursorParam, limitParam } from './query-params.js';

const ORDERS = 'orders';

const historyItem = z.object({
  orderId: z.string(),
  customerId: z.string(),
  status: z.enum([
    'pending',
    'confirmed',
    'rejected',
    'cancelled',
    'shipped',
    'delivered',
    'refunded',
  ]),
  reason: z.string().optional().describe('Why a rejected order was rejected'),
  placedAt: z.string(),
  updatedAt: z.string(),
  lines: z.array(
    z.object({
      productId: z.string(),
      sku: z.string(),
      name: z.string(),
      quantity: z.number(),
      unitPrice: money,
      lineTotal: money,
    }),
  ),
  currency: z.string(),
  totals: z.object({ subtotal: money, discount: money, total: money }),
  partiallyRefunded: z.boolean(),
  refunded: money,
  timeline: z.array(z.looseObject({ type: z.string(), at: z.string(), position: z.string() })),
});

/** The record without the store's `_id` (the same as `orderId`). */
function historyEntry(record: OrderRecord): Omit<OrderRecord, '_id'> {
  const { _id: _, ...entry } = record;
  return entry;
}

/** The signed-in customer's order history, from the `orders` read model. */
export function historyRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'get',
    path: '/v1/me/orders',
    summary: "The caller's orders, newest first (rejected ones with their reason)",
    tag: 'queries',
    access: ['customer'],
    readModel: ORDERS,
    query: z.strictObject({ limit: limitParam.optional(), cursor: cursorParam.optional() }),
    responses: {
      200: {
        description: 'A page of orders',
        schema: z.object({
          items: z.array(historyItem),
          nextCursor: z.string().nullable().describe('Null on the last page'),
        }),
      },
    },
    async handle({ principal, query }) {
      const page = await asQuery(() =>
        orderQueries(deps.readStore).historyOf(caller(principal).id, query),
      );
      return {
        status: 200,
        body: { items: page.items.map(historyEntry), nextCursor: page.nextCursor },
      };
    },
  });
}
