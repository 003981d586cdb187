import { AppError } from '../errors.js';
import { add, zero, type Money } from '../events/money.js';
import type { PaymentEvent } from '../events/payment.js';
import type { Aggregate } from './decider.js';

// State

export type PaymentState =
  | { readonly status: 'none' }
  | {
      readonly status: 'captured';
      readonly orderId: string;
      readonly captured: Money;
      readonly gatewayRef: string;
      readonly capturedAt: string;
      readonly refunded: Money;
      readonly refundIds: readonly string[];
    }
  | {
      readonly status: 'declined';
      readonly orderId: string;
      readonly amount: Money;
      readonly reason: string;
      readonly declinedAt: string;
    };

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentCaptured': {
      if (state.status !== 'none') return state;
      const { orderId, amount, gatewayRef, at } = event.data;
      return {
        status: 'captured',
        orderId,
        captured: amount,
        gatewayRef,
        capturedAt: at,
        refunded: zero(amount.currency),
        refundIds: [],
      };
    }
    case 'PaymentDeclined': {
      if (state.status !== 'none') return state;
      const { orderId, amount, reason, at } = event.data;
      return { status: 'declined', orderId, amount, reason, declinedAt: at };
    }
    case 'PaymentRefunded': {
      if (state.status !== 'captured') return state;
      const { refundId, amount } = event.data;
      return {
        ...state,
        refunded: add(state.refunded, amount),
        refundIds: [...state.refundIds, refundId],
      };
    }
  }
}

// Commands

/** What the payment gateway answered; it is called outside the decider. */
export type CaptureOutcome =
  | { readonly kind: 'captured'; readonly gatewayRef: string }
  | { readonly kind: 'declined'; readonly reason: string };

export type PaymentCommand =
  | {
      readonly type: 'RecordCapture';
      readonly orderId: string;
      readonly amount: Money;
      readonly outcome: CaptureOutcome;
      readonly at: string;
    }
  | {
      readonly type: 'RecordRefund';
      readonly refundId: string;
      readonly amount: Money;
      readonly gatewayRef: string;
      readonly at: string;
    };

export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RecordCapture': {
      // Captured or declined once: a redelivered outcome never captures twice.
      if (state.status !== 'none') return [];
      const { orderId, amount, outcome, at } = command;
      assertAmount(amount, 0);
      return outcome.kind === 'captured'
        ? [
            {
              type: 'PaymentCaptured',
              data: { orderId, amount, gatewayRef: outcome.gatewayRef, at },
            },
          ]
        : [{ type: 'PaymentDeclined', data: { orderId, amount, reason: outcome.reason, at } }];
    }
    case 'RecordRefund': {
      if (state.status !== 'captured') {
        throw new AppError('NOT_CAPTURED', 'Only a captured payment can be refunded');
      }
      const { refundId, amount, gatewayRef, at } = command;
      if (state.refundIds.includes(refundId)) return [];
      assertAmount(amount, 1);
      if (amount.currency !== state.captured.currency) {
        throw new AppError(
          'CURRENCY_MISMATCH',
          `The payment was captured in ${state.captured.currency}, not ${amount.currency}`,
        );
      }
      const { captured, refunded } = state;
      if (add(refunded, amount).amount > captured.amount) {
        const message = `Only ${captured.amount - refunded.amount} ${captured.currency} is refundable`;
        throw new AppError('REFUND_EXCEEDS_CAPTURED', message, { captured, refunded });
      }
      return [
        {
          type: 'PaymentRefunded',
          data: { orderId: state.orderId, refundId, amount, gatewayRef, at },
        },
      ];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function assertAmount(amount: Money, minimum: number): void {
  if (!Number.isSafeInteger(amount.amount) || amount.amount < minimum) {
    throw new AppError(
      'INVALID_AMOUNT',
      `An amount is a whole number of minor units, at least ${minimum}`,
    );
  }
}

export const paymentAggregate: Aggregate<PaymentState, PaymentCommand, PaymentEvent> = {
  category: 'payment',
  decider: { initialState: { status: 'none' }, decide: decidePayment, evolve: evolvePayment },
};

// Read

export interface PaymentSummary {
  readonly captured: Money | undefined;
  readonly refunded: Money;
  readonly declined: boolean;
}

/** `XXX` is ISO 4217's "no currency": nothing was paid yet. */
const NO_CURRENCY = 'XXX';

export function paymentSummary(state: PaymentState): PaymentSummary {
  switch (state.status) {
    case 'none':
      return { captured: undefined, refunded: zero(NO_CURRENCY), declined: false };
    case 'declined':
      return { captured: undefined, refunded: zero(state.amount.currency), declined: true };
    case 'captured':
      return { captured: state.captured, refunded: state.refunded, declined: false };
  }
}
