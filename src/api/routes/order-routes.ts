import { z } from 'zod';
import type { CommandContext } from '../../commands/command-result.js';
import {
  orderAggregate,
  orderView,
  type OrderCommand,
  type OrderView,
} from '../../commands/order.js';
import { AppError } from '../../errors.js';
import { orderStream, type OrderEvent } from '../../events/order.js';
import type { RecordedEvent } from '../../stores/event-store.js';
import type { ApiDeps } from '../api-deps.js';
import { isStaff, type Principal } from '../auth/principal.js';
import { route, type RouteDeps, type RouteResult } from '../route.js';
import { commandAnswer, id, idParams, quantity, text } from '../schemas.js';
import { ADMIN, positionOf } from './catalog-routes.js';
import {
  acceptMinPosition,
  answerWhenDecided,
  caller,
  checkoutFields,
  orderAnswers,
  placeOrder,
  priceOrder,
} from './place-order.js';

const orderBody = z.strictObject({
  lines: z
    .array(z.strictObject({ productId: id, quantity }))
    .min(1)
    .max(100),
  ...checkoutFields,
});
const orderStatusAnswer = commandAnswer.extend({ orderId: z.string(), status: z.string() });

/** The order, if the caller may see it: its customer or staff. Anyone else gets 404. */
async function visibleOrder(deps: ApiDeps, orderId: string, principal: Principal) {
  const { state, revision } = await deps.handler.load(orderAggregate, orderStream(orderId));
  const view = orderView(state);
  if (!view || (view.customerId !== principal.id && !isStaff(principal))) {
    throw new AppError('NOT_FOUND', 'No such order');
  }
  return { view, revision };
}

/** The order's events as a history a person can read. */
async function timelineOf(deps: ApiDeps, orderId: string, upToRevision: number) {
  const events: RecordedEvent[] = [];
  while (events.length <= upToRevision) {
    const page = await deps.eventStore.readStream(orderStream(orderId), {
      fromRevision: events.length,
      limit: Math.min(500, upToRevision + 1 - events.length),
    });
    if (page.length === 0) break;
    events.push(...page);
  }
  return events.map((event) => ({
    type: event.type,
    at: String(event.metadata.occurredAt ?? event.recordedAt),
    ...detailsOf(event as unknown as OrderEvent),
  }));
}

function detailsOf(event: OrderEvent): Record<string, unknown> {
  switch (event.type) {
    case 'OrderPlaced':
      return { total: event.data.totals.total };
    case 'OrderRejected':
      return { reason: event.data.reason };
    case 'OrderCancelled': {
      const { by, reason, refundDue } = event.data;
      return { by, ...(reason === undefined ? {} : { reason }), refundDue };
    }
    case 'OrderShipped':
      return { carrier: event.data.carrier, trackingNumber: event.data.trackingNumber };
    case 'OrderRefunded': {
      const { refundId, amount, reason, full } = event.data;
      return { refundId, amount, reason, full };
    }
    case 'OrderConfirmed':
    case 'OrderDelivered':
      return {};
  }
}

export function orderRoutes(r: RouteDeps, deps: ApiDeps): void {
  /** Runs one command on the order and answers with its status afterwards. */
  async function orderCommand(
    orderId: string,
    command: OrderCommand,
    context: CommandContext,
    more: (view: OrderView) => Record<string, unknown> = () => ({}),
  ): Promise<RouteResult> {
    const stream = orderStream(orderId);
    const result = await deps.handler.handle(orderAggregate, stream, command, context);
    const position = await positionOf(deps, stream, result);
    const { state, revision } = await deps.handler.load(orderAggregate, stream);
    const view = orderView(state);
    if (!view) throw new AppError('NOT_FOUND', 'No such order');
    const body = { orderId, status: view.status, ...more(view), position };
    return { status: 200, body, revision, position };
  }

  route(r, {
    method: 'post',
    path: '/v1/orders',
    summary: 'Place an order and wait briefly for the fulfilment decision',
    tag: 'orders',
    access: ['customer'],
    body: orderBody,
    responses: orderAnswers,
    async handle({ body, principal, newId, command }) {
      const priced = await priceOrder(deps, body.lines, body.couponCode);
      const order = { orderId: newId(), customerId: caller(principal).id };
      const placed = await placeOrder(deps, order, priced, body, command('place-order'));
      return answerWhenDecided(deps, placed);
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/orders/:id',
    summary: 'One order with its timeline (its customer or staff)',
    tag: 'orders',
    access: 'signedIn',
    params: idParams,
    responses: { 200: { description: 'The order' } },
    async handle({ params, principal, req }) {
      acceptMinPosition(req);
      const { view, revision } = await visibleOrder(deps, params.id, caller(principal));
      const timeline = await timelineOf(deps, params.id, revision);
      return { status: 200, body: { ...view, timeline }, revision };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/orders/:id/cancel',
    summary: 'Cancel an order (its customer before shipment, an admin before delivery)',
    tag: 'orders',
    access: 'signedIn',
    params: idParams,
    body: z.strictObject({ reason: text(500).optional() }),
    responses: { 200: { description: 'Cancelled', schema: orderStatusAnswer } },
    async handle({ params, body, principal, command }) {
      const who = caller(principal);
      const { view } = await visibleOrder(deps, params.id, who);
      const isAdmin = who.roles.includes('admin');
      if (!isAdmin && view.customerId !== who.id) {
        throw new AppError('FORBIDDEN', 'Only the customer or an admin may cancel an order');
      }
      return orderCommand(
        params.id,
        {
          type: 'CancelOrder',
          by: isAdmin ? 'admin' : 'customer',
          ...(body.reason === undefined ? {} : { reason: body.reason }),
          cancelledAt: deps.clock().toISOString(),
        },
        command('cancel', { conditional: true }),
      );
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/orders/:id/ship',
    summary: 'Record the shipment of a confirmed order',
    tag: 'orders',
    access: ADMIN,
    params: idParams,
    body: z.strictObject({ carrier: text(100), trackingNumber: text(100) }),
    responses: { 200: { description: 'Shipped', schema: orderStatusAnswer } },
    handle: ({ params, body, command }) =>
      orderCommand(
        params.id,
        { type: 'ShipOrder', ...body, shippedAt: deps.clock().toISOString() },
        command('ship', { conditional: true }),
      ),
  });

  route(r, {
    method: 'post',
    path: '/v1/orders/:id/deliver',
    summary: 'Record the delivery of a shipped order',
    tag: 'orders',
    access: ADMIN,
    params: idParams,
    body: z.strictObject({}),
    responses: { 200: { description: 'Delivered', schema: orderStatusAnswer } },
    handle: ({ params, command }) =>
      orderCommand(
        params.id,
        { type: 'DeliverOrder', deliveredAt: deps.clock().toISOString() },
        command('deliver', { conditional: true }),
      ),
  });

  route(r, {
    method: 'post',
    path: '/v1/orders/:id/refund',
    summary: 'Refund part or all of what was captured',
    tag: 'orders',
    access: ADMIN,
    params: idParams,
    body: z.strictObject({
      amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      reason: text(500),
    }),
    responses: {
      200: {
        description: 'Refunded',
        schema: orderStatusAnswer.extend({ refundId: z.string(), partiallyRefunded: z.boolean() }),
      },
    },
    handle({ params, body, newId, command }) {
      const refundId = newId();
      return orderCommand(
        params.id,
        { type: 'RefundOrder', refundId, ...body, refundedAt: deps.clock().toISOString() },
        command('refund', { conditional: true }),
        ({ partiallyRefunded, refunded }) => ({ refundId, partiallyRefunded, refunded }),
      );
    },
  });
}
