import type { CommandHandler } from '../commands/command-handler.js';
import type { CommandContext } from '../commands/command-result.js';
import { inventoryAggregate, reservationOf, type ReservationView } from '../commands/inventory.js';
import { orderAggregate, type OrderState } from '../commands/order.js';
import { paymentAggregate } from '../commands/payment.js';
import { promotionAggregate } from '../commands/promotion.js';
import { purchasesAggregate } from '../commands/purchases.js';
import { isAppError } from '../errors.js';
import type { Clock } from '../events/envelope.js';
import { inventoryStream } from '../events/inventory.js';
import { subtract } from '../events/money.js';
import { orderStream, type OrderRefunded, type RejectionReason } from '../events/order.js';
import { paymentStream } from '../events/payment.js';
import { promotionStream } from '../events/promotion.js';
import { purchasesStream } from '../events/purchases.js';
import { eventLogFields, silentLog, type Log } from '../logging/log.js';
import type { EventStore, RecordedEvent } from '../stores/event-store.js';
import { GatewayTimeoutError, withTimeout, type PaymentGateway } from './payment-gateway.js';
import type { ProcessDefinition } from './process-runner.js';
import type { ReservationExpiry } from './reservation-expiry.js';
import { reservationHistory } from './reservation-history.js';

export interface FulfilmentDeps {
  readonly handler: CommandHandler;
  readonly gateway: PaymentGateway;
  readonly clock: Clock;
  /** How long a capture may take before the order is rejected with PAYMENT_TIMEOUT. */
  readonly paymentTimeoutMs: number;
  /** How long stock stays reserved for an order that is not confirmed. */
  readonly reservationTtlMs: number;
  readonly expiry?: ReservationExpiry;
  /** Each step is logged with the correlation id of the event that triggered it. */
  readonly log?: Log;
  /**
   * Tells what became of a reservation the inventory state no longer keeps
   * (settled long before a redelivered step).
   */
  readonly eventStore: Pick<EventStore, 'readStream'>;
}

type Placed = Exclude<OrderState, { status: 'absent' }>;
type Line = Placed['lines'][number];

export const FULFILMENT = 'order-fulfilment';

/**
 * OrderPlaced -> redeem coupon -> reserve every line -> capture payment ->
 * commit stock -> OrderConfirmed; any failure -> OrderRejected, and rejected or
 * cancelled orders get their stock, coupon and money back.
 *
 * Every trigger re-reads the order and does the next steps its state calls
 * for. Each step is idempotent per order (reservation, redemption and capture
 * are keyed by the order id, a return of stock runs once per order and
 * product), so handling an event twice, or after a crash between any two
 * steps, finishes the work without repeating an effect.
 */
export function orderFulfilment(deps: FulfilmentDeps): ProcessDefinition {
  const { handler, clock } = deps;
  const now = () => clock().toISOString();

  async function advance(trigger: RecordedEvent): Promise<void> {
    const orderId = trigger.streamId.slice('order-'.length);
    const context: CommandContext = {
      actor: `system:${FULFILMENT}`,
      causationId: trigger.eventId,
      ...(typeof trigger.metadata.correlationId === 'string'
        ? { correlationId: trigger.metadata.correlationId }
        : {}),
    };
    const log = (deps.log ?? silentLog).child({ ...eventLogFields(trigger), orderId });
    const { state } = await handler.load(orderAggregate, orderStream(orderId));
    log.debug({ status: state.status }, 'fulfilment: handling event');
    if (state.status === 'absent') return;
    if (state.status === 'pending') await fulfil(orderId, state, context, log);
    else if (state.status === 'rejected' || state.status === 'cancelled') {
      await compensate(orderId, state, context);
      log.info({ status: state.status }, 'fulfilment: stock, coupon and payment given back');
    } else if (state.status === 'delivered' || (state.status === 'refunded' && state.deliveredAt)) {
      await recordDelivery(orderId, state, context);
    }
    if (trigger.type === 'OrderRefunded') {
      await refund(orderId, (trigger.data as OrderRefunded['data']).refundId, trigger, context);
      log.info({}, 'fulfilment: refund settled');
    }
  }

  async function fulfil(orderId: string, order: Placed, context: CommandContext, log: Log) {
    if (order.coupon) {
      try {
        await handler.handle(
          promotionAggregate,
          promotionStream(order.coupon.promotionId),
          { type: 'Redeem', orderId, at: now() },
          context,
        );
      } catch (error) {
        if (!isAppError(error)) throw error;
        return reject(orderId, 'COUPON_EXHAUSTED', context, log);
      }
      log.info({ promotionId: order.coupon.promotionId }, 'fulfilment: coupon redeemed');
    }

    const expiresAt = new Date(clock().getTime() + deps.reservationTtlMs).toISOString();
    const reserved = await Promise.all(
      order.lines.map(async (line) => {
        const stream = inventoryStream(line.productId);
        await handler.handle(
          inventoryAggregate,
          stream,
          {
            type: 'ReserveStock',
            productId: line.productId,
            reservationId: orderId,
            quantity: line.quantity,
            expiresAt,
          },
          context,
        );
        const reservation = await standingOf(orderId, line);
        if (reservation.status === 'held') {
          deps.expiry?.track(line.productId, orderId, reservation.expiresAt);
        }
        return reservation.status === 'held' || reservation.status === 'committed';
      }),
    );
    if (!reserved.every(Boolean)) return reject(orderId, 'OUT_OF_STOCK', context, log);
    log.info({ lines: order.lines.length }, 'fulfilment: stock reserved');

    const payment = await capture(orderId, order, context);
    if (payment !== 'captured') return reject(orderId, payment, context, log);
    log.info({}, 'fulfilment: payment captured');

    for (const line of order.lines) {
      try {
        await handler.handle(
          inventoryAggregate,
          inventoryStream(line.productId),
          { type: 'CommitReservation', productId: line.productId, reservationId: orderId },
          context,
        );
      } catch (error) {
        if (isAppError(error) && error.code === 'RESERVATION_NOT_HELD') {
          // Committed long ago (this is a redelivery), else it expired while payment was under way.
          if ((await standingOf(orderId, line)).status === 'committed') continue;
          return reject(orderId, 'PAYMENT_TIMEOUT', context, log);
        }
        throw error;
      }
    }
    const confirmed = await decide(orderId, { type: 'ConfirmOrder', confirmedAt: now() }, context);
    for (const line of order.lines) deps.expiry?.settled(line.productId, orderId);
    if (confirmed) log.info({}, 'fulfilment: order confirmed');
  }

  /**
   * The order's reservation of a line's product. One the inventory state has
   * forgotten is looked up in its stream when it may have been committed
   * (the payment was captured) and `lookUp` allows.
   */
  async function standingOf(orderId: string, line: Line, lookUp = true): Promise<ReservationView> {
    const { state } = await handler.load(inventoryAggregate, inventoryStream(line.productId));
    const reservation = reservationOf(state, orderId);
    if (reservation.status !== 'forgotten' || !lookUp) return reservation;
    const { state: payment } = await handler.load(paymentAggregate, paymentStream(orderId));
    if (payment.status !== 'captured') return reservation;
    const status = await reservationHistory(deps.eventStore, line.productId, orderId);
    return status === undefined || status === 'held'
      ? reservation
      : { status, quantity: line.quantity };
  }

  /** The customer may review what was delivered; recorded once per order. */
  async function recordDelivery(orderId: string, order: Placed, context: CommandContext) {
    await handler.handle(
      purchasesAggregate,
      purchasesStream(order.customerId),
      {
        type: 'RecordDelivery',
        customerId: order.customerId,
        orderId,
        productIds: order.lines.map((line) => line.productId),
      },
      context,
    );
  }

  async function capture(
    orderId: string,
    order: Placed,
    context: CommandContext,
  ): Promise<'captured' | RejectionReason> {
    const stream = paymentStream(orderId);
    const known = (await handler.load(paymentAggregate, stream)).state;
    if (known.status === 'captured') return 'captured';
    if (known.status === 'declined') return 'PAYMENT_DECLINED';
    let outcome;
    try {
      outcome = await withTimeout('capture', deps.paymentTimeoutMs, (signal) =>
        deps.gateway.capture(
          { idempotencyKey: orderId, amount: order.totals.total, token: order.payment.token },
          signal,
        ),
      );
    } catch (error) {
      if (error instanceof GatewayTimeoutError) return 'PAYMENT_TIMEOUT';
      throw error;
    }
    await handler.handle(
      paymentAggregate,
      stream,
      { type: 'RecordCapture', orderId, amount: order.totals.total, outcome, at: now() },
      context,
    );
    return outcome.kind === 'captured' ? 'captured' : 'PAYMENT_DECLINED';
  }

  async function compensate(orderId: string, order: Placed, context: CommandContext) {
    const reason = order.status === 'rejected' ? 'ORDER_REJECTED' : 'ORDER_CANCELLED';
    // A confirmed order had every line committed; only this process returns them.
    const wasConfirmed = order.status === 'cancelled' && order.wasConfirmed;
    await Promise.all(
      order.lines.map(async (line) => {
        const stream = inventoryStream(line.productId);
        const { status } = await standingOf(orderId, line, !wasConfirmed);
        deps.expiry?.settled(line.productId, orderId);
        if (status === 'held') {
          await handler.handle(
            inventoryAggregate,
            stream,
            {
              type: 'ReleaseReservation',
              productId: line.productId,
              reservationId: orderId,
              reason,
            },
            context,
          );
        } else if (status === 'committed' || (status === 'forgotten' && wasConfirmed)) {
          await handler.handle(
            inventoryAggregate,
            stream,
            {
              type: 'ReturnStock',
              productId: line.productId,
              reservationId: orderId,
              quantity: line.quantity,
            },
            // Once per order and product, even when the inventory no longer remembers the sale.
            { ...context, idempotencyKey: `${FULFILMENT}:return:${orderId}:${line.productId}` },
          );
        }
      }),
    );
    if (order.coupon) {
      await handler.handle(
        promotionAggregate,
        promotionStream(order.coupon.promotionId),
        { type: 'RevertRedemption', orderId, reason, at: now() },
        context,
      );
    }
    const { state: payment } = await handler.load(paymentAggregate, paymentStream(orderId));
    if (payment.status === 'captured') {
      const due = subtract(payment.captured, payment.refunded);
      if (due.amount > 0)
        await pay(orderId, `${orderId}:${reason}`, due, payment.gatewayRef, context);
    }
  }

  async function refund(
    orderId: string,
    refundId: string,
    trigger: RecordedEvent,
    context: CommandContext,
  ) {
    const { state: payment } = await handler.load(paymentAggregate, paymentStream(orderId));
    if (payment.status !== 'captured' || payment.refundIds.includes(refundId)) return;
    const asked = (trigger.data as OrderRefunded['data']).amount;
    // The order may have moved on before this event is handled (a cancellation
    // already gave back everything still captured): pay out at most what is left.
    const left = payment.captured.amount - payment.refunded.amount;
    if (left <= 0) return;
    const amount = asked.amount > left ? { ...asked, amount: left } : asked;
    await pay(orderId, refundId, amount, payment.gatewayRef, context);
  }

  async function pay(
    orderId: string,
    refundId: string,
    amount: OrderRefunded['data']['amount'],
    captureRef: string,
    context: CommandContext,
  ) {
    const { gatewayRef } = await withTimeout('refund', deps.paymentTimeoutMs, (signal) =>
      deps.gateway.refund({ idempotencyKey: refundId, captureRef, amount }, signal),
    );
    await handler.handle(
      paymentAggregate,
      paymentStream(orderId),
      { type: 'RecordRefund', refundId, amount, gatewayRef, at: now() },
      context,
    );
  }

  async function reject(
    orderId: string,
    reason: RejectionReason,
    context: CommandContext,
    log: Log,
  ) {
    if (await decide(orderId, { type: 'RejectOrder', reason, rejectedAt: now() }, context))
      log.info({ reason }, 'fulfilment: order rejected');
  }

  /** Confirms or rejects; an order that moved on meanwhile (cancelled) is left as it is. */
  async function decide(
    orderId: string,
    command:
      | { type: 'ConfirmOrder'; confirmedAt: string }
      | { type: 'RejectOrder'; reason: RejectionReason; rejectedAt: string },
    context: CommandContext,
  ): Promise<boolean> {
    try {
      await handler.handle(orderAggregate, orderStream(orderId), command, context);
      return true;
    } catch (error) {
      if (!(isAppError(error) && error.code === 'INVALID_TRANSITION')) throw error;
      return false;
    }
  }

  return {
    name: FULFILMENT,
    filter: { streamCategories: ['order'] },
    keyOf: (event) => event.streamId,
    handle: advance,
  };
}
