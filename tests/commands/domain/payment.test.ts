import {
  paymentAggregate as payment,
  paymentSummary,
  type PaymentCommand,
} from '../../../src/commands/payment.js';
import type { PaymentEvent } from '../../../src/events/payment.js';
import { paymentStream } from '../../../src/events/payment.js';
import { given } from '../../support/given-when-then.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const at = '2026-03-01T10:00:03.000Z';

const capture: PaymentCommand = {
  type: 'RecordCapture',
  orderId: 'o1',
  amount: eur(2500),
  outcome: { kind: 'captured', gatewayRef: 'gw-1' },
  at,
};
const decline: PaymentCommand = {
  ...capture,
  outcome: { kind: 'declined', reason: 'card declined' },
};
const captured: PaymentEvent = {
  type: 'PaymentCaptured',
  data: { orderId: 'o1', amount: eur(2500), gatewayRef: 'gw-1', at },
};
const declined: PaymentEvent = {
  type: 'PaymentDeclined',
  data: { orderId: 'o1', amount: eur(2500), reason: 'card declined', at },
};
const refund = (refundId: string, amount: number): PaymentCommand => ({
  type: 'RecordRefund',
  refundId,
  amount: eur(amount),
  gatewayRef: `gw-${refundId}`,
  at: '2026-03-05T12:00:00.000Z',
});
const refunded = (refundId: string, amount: number): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: {
    orderId: 'o1',
    refundId,
    amount: eur(amount),
    gatewayRef: `gw-${refundId}`,
    at: '2026-03-05T12:00:00.000Z',
  },
});

describe('payment decider', () => {
  it('names its streams payment-<orderId>', () => {
    expect(payment.category).toBe('payment');
    expect(paymentStream('o1')).toBe('payment-o1');
  });

  describe('RecordCapture', () => {
    it('records a captured payment', () => given(payment).when(capture).then(captured));
    it('records a declined payment', () => given(payment).when(decline).then(declined));
    it('never captures twice, whatever the repeated outcome', () => {
      given(payment, captured).when(capture).thenNothing();
      given(payment, captured).when(decline).thenNothing();
      given(payment, declined).when(capture).thenNothing();
      given(payment, declined).when(decline).thenNothing();
    });
    it('records a capture of nothing for an order that costs nothing', () =>
      given(payment)
        .when({ ...capture, amount: eur(0) })
        .then({ type: 'PaymentCaptured', data: { ...captured.data, amount: eur(0) } }));
    it.each([-1, 2.5])('rejects the amount %p', (amount) =>
      given(payment)
        .when({ ...capture, amount: eur(amount) })
        .thenRejects('INVALID_AMOUNT'),
    );
  });

  describe('RecordRefund', () => {
    it('refunds part of a captured payment', () =>
      given(payment, captured).when(refund('r1', 1000)).then(refunded('r1', 1000)));
    it('refunds up to everything captured across partial refunds, never more', () => {
      const history = [captured, refunded('r1', 1000), refunded('r2', 1000)];
      given(payment, ...history)
        .when(refund('r3', 501))
        .thenRejects('REFUND_EXCEEDS_CAPTURED');
      given(payment, ...history)
        .when(refund('r3', 500))
        .then(refunded('r3', 500));
      given(payment, ...history, refunded('r3', 500))
        .when(refund('r4', 1))
        .thenRejects('REFUND_EXCEEDS_CAPTURED');
      given(payment, captured).when(refund('r1', 2501)).thenRejects('REFUND_EXCEEDS_CAPTURED');
    });
    it('changes nothing for a refund id it has seen', () =>
      given(payment, captured, refunded('r1', 2500)).when(refund('r1', 2500)).thenNothing());
    it('rejects refunding a payment that was not captured', () => {
      given(payment).when(refund('r1', 100)).thenRejects('NOT_CAPTURED');
      given(payment, declined).when(refund('r1', 100)).thenRejects('NOT_CAPTURED');
    });
    it('rejects a refund in another currency', () =>
      given(payment, captured)
        .when({ ...refund('r1', 100), amount: { amount: 100, currency: 'USD' } })
        .thenRejects('CURRENCY_MISMATCH'));
    it.each([0, -5, 1.5])('rejects the amount %p', (amount) =>
      given(payment, captured).when(refund('r1', amount)).thenRejects('INVALID_AMOUNT'),
    );
  });

  describe('evolve', () => {
    it('folds captures and refunds', () =>
      expect(given(payment, captured, refunded('r1', 300), refunded('r2', 200)).state).toEqual({
        status: 'captured',
        orderId: 'o1',
        captured: eur(2500),
        gatewayRef: 'gw-1',
        capturedAt: at,
        refunded: eur(500),
        refundIds: ['r1', 'r2'],
      }));
    it('folds a decline', () =>
      expect(given(payment, declined).state).toEqual({
        status: 'declined',
        orderId: 'o1',
        amount: eur(2500),
        reason: 'card declined',
        declinedAt: at,
      }));
    it('ignores events that do not fit the current status', () => {
      expect(given(payment, declined, captured, refunded('r1', 1)).state.status).toBe('declined');
      expect(given(payment, refunded('r1', 1)).state).toEqual({ status: 'none' });
    });
  });

  describe('paymentSummary', () => {
    it('shows nothing captured or refunded before any outcome', () =>
      expect(paymentSummary(given(payment).state)).toEqual({
        captured: undefined,
        refunded: { amount: 0, currency: 'XXX' },
        declined: false,
      }));
    it('shows a declined payment', () =>
      expect(paymentSummary(given(payment, declined).state)).toEqual({
        captured: undefined,
        refunded: eur(0),
        declined: true,
      }));
    it('shows what was captured and refunded', () =>
      expect(paymentSummary(given(payment, captured, refunded('r1', 700)).state)).toEqual({
        captured: eur(2500),
        refunded: eur(700),
        declined: false,
      }));
  });
});
