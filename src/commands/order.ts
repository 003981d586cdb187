import { AppError } from '../errors.js';
import { add, money, subtract, zero, type Money } from '../events/money.js';
import type {
  OrderCancelled,
  OrderEvent,
  OrderPlaced,
  OrderRejected,
  OrderShipped,
  PaymentDetails,
  RejectionReason,
} from '../events/order.js';
import type { Aggregate } from './decider.js';
import { invalidTransition, notFound } from './domain-errors.js';
import { computeTotals, priceLines, type CouponTerms, type RequestedLine } from './order-totals.js';

// State

type Placed = OrderPlaced['data'];

interface Refunds {
  readonly refunded: Money;
  readonly partiallyRefunded: boolean;
  readonly refundIds: readonly string[];
}

/** Money was captured: `totals.total` of the order. */
type Captured = { readonly confirmedAt: string } & Refunds;

type Rejection = Omit<OrderRejected['data'], 'orderId'>;
type Shipment = Omit<OrderShipped['data'], 'orderId'>;
type Cancellation = Omit<OrderCancelled['data'], 'orderId'>;

export type OrderState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'pending' } & Placed)
  | ({ readonly status: 'rejected' } & Placed & Rejection)
  | ({ readonly status: 'confirmed' } & Placed & Captured)
  | ({ readonly status: 'shipped'; readonly shipment: Shipment } & Placed & Captured)
  | ({
      readonly status: 'delivered';
      readonly shipment: Shipment;
      readonly deliveredAt: string;
    } & Placed &
      Captured)
  | ({
      readonly status: 'refunded';
      readonly refundedAt: string;
      readonly shipment?: Shipment;
      readonly deliveredAt?: string;
    } & Placed &
      Captured)
  | ({
      readonly status: 'cancelled';
      readonly confirmedAt?: string;
      readonly shipment?: Shipment;
    } & Placed &
      Refunds &
      Cancellation);

type CapturedState = Extract<OrderState, { readonly confirmedAt: string }>;

const noRefunds = (currency: string): Refunds => ({
  refunded: zero(currency),
  partiallyRefunded: false,
  refundIds: [],
});

export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced':
      return state.status === 'absent' ? { status: 'pending', ...event.data } : state;
    case 'OrderConfirmed': {
      if (state.status !== 'pending') return state;
      const { confirmedAt } = event.data;
      return { ...state, status: 'confirmed', confirmedAt, ...noRefunds(state.currency) };
    }
    case 'OrderRejected': {
      if (state.status !== 'pending') return state;
      const { reason, rejectedAt } = event.data;
      return { ...state, status: 'rejected', reason, rejectedAt };
    }
    case 'OrderCancelled': {
      if (
        state.status !== 'pending' &&
        state.status !== 'confirmed' &&
        state.status !== 'shipped'
      ) {
        return state;
      }
      const { orderId: _, ...cancellation } = event.data;
      return { ...noRefunds(state.currency), ...state, status: 'cancelled', ...cancellation };
    }
    case 'OrderShipped': {
      if (state.status !== 'confirmed') return state;
      const { orderId: _, ...shipment } = event.data;
      return { ...state, status: 'shipped', shipment };
    }
    case 'OrderDelivered':
      return state.status === 'shipped'
        ? { ...state, status: 'delivered', deliveredAt: event.data.deliveredAt }
        : state;
    case 'OrderRefunded': {
      if (!hasCaptured(state) || state.status === 'refunded') return state;
      const { refundId, refundedTotal, full, refundedAt } = event.data;
      const refunds = { refunded: refundedTotal, refundIds: [...state.refundIds, refundId] };
      return full
        ? { ...state, ...refunds, status: 'refunded', partiallyRefunded: false, refundedAt }
        : { ...state, ...refunds, partiallyRefunded: true };
    }
  }
}

// Commands

export type OrderCommand =
  | ({
      readonly type: 'PlaceOrder';
      /** Unit prices and coupon terms are looked up by the caller. */
      readonly lines: readonly RequestedLine[];
      readonly coupon?: CouponTerms;
    } & Pick<Placed, 'orderId' | 'customerId' | 'placedAt' | 'shippingAddress' | 'payment'>)
  | { readonly type: 'ConfirmOrder'; readonly confirmedAt: string }
  | ({ readonly type: 'RejectOrder' } & Rejection)
  | ({ readonly type: 'CancelOrder' } & Pick<Cancellation, 'by' | 'reason' | 'cancelledAt'>)
  | ({ readonly type: 'ShipOrder' } & Shipment)
  | { readonly type: 'DeliverOrder'; readonly deliveredAt: string }
  | {
      readonly type: 'RefundOrder';
      readonly refundId: string;
      /** Minor units of the order currency. */
      readonly amount: number;
      readonly reason: string;
      readonly refundedAt: string;
    };

export function decideOrder(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder': {
      if (state.status !== 'absent') {
        throw new AppError('ORDER_EXISTS', `Order ${state.orderId} already exists`);
      }
      const { orderId, customerId, placedAt, shippingAddress, payment, coupon } = command;
      const lines = priceLines(command.lines);
      const totals = computeTotals(lines, coupon);
      const redeemed = coupon ? { code: coupon.code, promotionId: coupon.promotionId } : undefined;
      return [
        {
          type: 'OrderPlaced',
          data: {
            orderId,
            customerId,
            placedAt,
            lines,
            currency: totals.total.currency,
            totals,
            ...(redeemed ? { coupon: redeemed } : {}),
            shippingAddress,
            payment,
          },
        },
      ];
    }
    case 'ConfirmOrder': {
      const order = existing(state);
      if (order.status === 'confirmed') return [];
      if (order.status !== 'pending') throw cannot('confirm', order);
      const { confirmedAt } = command;
      return [{ type: 'OrderConfirmed', data: { orderId: order.orderId, confirmedAt } }];
    }
    case 'RejectOrder': {
      const order = existing(state);
      if (order.status === 'rejected') return [];
      if (order.status !== 'pending') throw cannot('reject', order);
      const { reason, rejectedAt } = command;
      return [{ type: 'OrderRejected', data: { orderId: order.orderId, reason, rejectedAt } }];
    }
    case 'CancelOrder': {
      const order = existing(state);
      const { by, reason, cancelledAt } = command;
      const cancellable =
        order.status === 'pending' ||
        order.status === 'confirmed' ||
        (order.status === 'shipped' && by === 'admin');
      if (!cancellable) throw cannot(`cancel (as ${by})`, order);
      const wasConfirmed = order.status !== 'pending';
      const refundDue = wasConfirmed
        ? subtract(order.totals.total, order.refunded)
        : zero(order.currency);
      return [
        {
          type: 'OrderCancelled',
          data: {
            orderId: order.orderId,
            by,
            ...(reason === undefined ? {} : { reason }),
            cancelledAt,
            wasConfirmed,
            refundDue,
          },
        },
      ];
    }
    case 'ShipOrder': {
      const order = existing(state);
      if (order.status !== 'confirmed') throw cannot('ship', order);
      const { type: _, ...shipment } = command;
      return [{ type: 'OrderShipped', data: { orderId: order.orderId, ...shipment } }];
    }
    case 'DeliverOrder': {
      const order = existing(state);
      if (order.status !== 'shipped') throw cannot('deliver', order);
      const { deliveredAt } = command;
      return [{ type: 'OrderDelivered', data: { orderId: order.orderId, deliveredAt } }];
    }
    case 'RefundOrder': {
      const order = existing(state);
      if (!hasCaptured(order)) throw cannot('refund', order);
      const { refundId, reason, refundedAt } = command;
      if (order.refundIds.includes(refundId)) return [];
      if (!Number.isSafeInteger(command.amount) || command.amount <= 0) {
        throw new AppError('INVALID_AMOUNT', 'A refund is a positive whole number of minor units');
      }
      const amount = money(command.amount, order.currency);
      const captured = order.totals.total;
      const refundedTotal = add(order.refunded, amount);
      if (refundedTotal.amount > captured.amount) {
        const { refunded } = order;
        const message = `Only ${captured.amount - refunded.amount} ${order.currency} is refundable`;
        throw new AppError('REFUND_EXCEEDS_CAPTURED', message, { captured, refunded });
      }
      const { orderId } = order;
      const full = refundedTotal.amount === captured.amount;
      const data = { orderId, refundId, amount, reason, refundedAt, refundedTotal, full };
      return [{ type: 'OrderRefunded', data }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function existing(state: OrderState) {
  if (state.status === 'absent') throw notFound('order');
  return state;
}

function hasCaptured(state: OrderState): state is CapturedState {
  return 'confirmedAt' in state && state.status !== 'cancelled';
}

const cannot = (action: string, order: { readonly status: string }) =>
  invalidTransition(`Cannot ${action} a ${order.status} order`);

export const orderAggregate: Aggregate<OrderState, OrderCommand, OrderEvent> = {
  category: 'order',
  decider: { initialState: { status: 'absent' }, decide: decideOrder, evolve: evolveOrder },
};

// Read

export type OrderView = Omit<Placed, 'payment'> & {
  readonly status: Exclude<OrderState['status'], 'absent'>;
  readonly paymentMethod: PaymentDetails['method'];
  readonly partiallyRefunded: boolean;
  readonly refunded: Money;
  readonly reason?: RejectionReason;
  readonly cancellation?: Cancellation;
  readonly shipment?: Shipment;
  readonly deliveredAt?: string;
};

/** What GET /v1/orders/:id shows; the card token stays out. Undefined for an unknown order. */
export function orderView(state: OrderState): OrderView | undefined {
  if (state.status === 'absent') return undefined;
  const { orderId, customerId, placedAt, lines, currency, totals, coupon, shippingAddress } = state;
  const refunds = state.status === 'pending' || state.status === 'rejected' ? undefined : state;
  return {
    orderId,
    customerId,
    status: state.status,
    placedAt,
    lines,
    currency,
    totals,
    ...(coupon ? { coupon } : {}),
    shippingAddress,
    paymentMethod: state.payment.method,
    partiallyRefunded: refunds?.partiallyRefunded ?? false,
    refunded: refunds?.refunded ?? zero(currency),
    ...(state.status === 'rejected' ? { reason: state.reason } : {}),
    ...(state.status === 'cancelled' ? { cancellation: cancellationOf(state) } : {}),
    ...('shipment' in state && state.shipment ? { shipment: state.shipment } : {}),
    ...('deliveredAt' in state && state.deliveredAt ? { deliveredAt: state.deliveredAt } : {}),
  };
}

function cancellationOf(state: Extract<OrderState, { status: 'cancelled' }>): Cancellation {
  const { by, reason, cancelledAt, wasConfirmed, refundDue } = state;
  return { by, ...(reason === undefined ? {} : { reason }), cancelledAt, wasConfirmed, refundDue };
}
