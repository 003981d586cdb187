import { dataOf, idOf, type LogIndex } from './log-index.js';
import { STANDING, type FoldedOrder } from './order-audit.js';

/** One row of the simulated card processor's ledger. */
export interface LedgerRow {
  readonly key: string;
  readonly kind: 'captured' | 'declined' | 'refunded';
  readonly amount: number;
  readonly currency: string;
  readonly ref: string;
}

interface FoldedPayment {
  captured: { amount: number; ref: string } | undefined;
  declined: boolean;
  refunded: number;
  readonly refunds: Map<string, { amount: number; ref: string }>;
}

/**
 * Money: per order, captured minus refunded in the payment stream is what the
 * order's outcome says it should be, refunds never exceed the capture, and
 * the processor's ledger moved exactly the money the payment streams record
 * (no double charge, no unrecorded capture or refund).
 */
export function auditMoney(
  log: LogIndex,
  orders: ReadonlyMap<string, FoldedOrder>,
  ledger: readonly LedgerRow[],
): string[] {
  const violations: string[] = [];
  const payments = new Map<string, FoldedPayment>();
  for (const [streamId, events] of log.category('payment')) {
    const payment: FoldedPayment = {
      captured: undefined,
      declined: false,
      refunded: 0,
      refunds: new Map(),
    };
    payments.set(idOf(streamId), payment);
    for (const event of events) {
      const data = dataOf(event);
      const amount = (data.amount as { amount: number }).amount;
      const where = `${streamId}@${event.revision} ${event.type}`;
      if (event.type === 'PaymentCaptured' || event.type === 'PaymentDeclined') {
        if (payment.captured || payment.declined)
          violations.push(`${where}: the payment was already decided`);
        if (event.type === 'PaymentCaptured')
          payment.captured = { amount, ref: String(data.gatewayRef) };
        else payment.declined = true;
      } else if (event.type === 'PaymentRefunded') {
        const refundId = String(data.refundId);
        if (payment.refunds.has(refundId))
          violations.push(`${where}: refund ${refundId} recorded twice`);
        payment.refunds.set(refundId, { amount, ref: String(data.gatewayRef) });
        payment.refunded += amount;
        if (!payment.captured || payment.refunded > payment.captured.amount) {
          violations.push(
            `${where}: refunded ${payment.refunded} of ${payment.captured?.amount ?? 0} captured`,
          );
        }
      } else violations.push(`${where}: unexpected`);
    }
  }

  for (const order of orders.values()) {
    const payment = payments.get(order.orderId);
    const captured = payment?.captured?.amount ?? 0;
    const refunded = payment?.refunded ?? 0;
    const where = `${order.status} order ${order.orderId} (total ${order.total}, token ${order.paymentToken})`;
    if (payment?.captured && order.paymentToken !== 'tok_visa')
      violations.push(`${where}: captured`);
    if (payment?.declined && order.paymentToken !== 'tok_declined')
      violations.push(`${where}: declined`);
    if (STANDING.has(order.status)) {
      if (captured !== order.total) violations.push(`${where}: captured ${captured}`);
      if (refunded !== order.refunded) {
        violations.push(`${where}: the order refunded ${order.refunded}, its payment ${refunded}`);
      }
      const missing = order.refundIds.filter((id) => !payment?.refunds.has(id));
      if (missing.length > 0) violations.push(`${where}: refunds ${missing.join()} never paid out`);
    } else if (captured - refunded !== 0) {
      violations.push(`${where}: keeps ${captured - refunded} of ${captured} captured`);
    }
  }
  for (const orderId of payments.keys()) {
    if (!orders.has(orderId)) violations.push(`payment-${orderId} belongs to no order`);
  }

  violations.push(...auditLedger(payments, ledger));
  return violations;
}

function auditLedger(
  payments: ReadonlyMap<string, FoldedPayment>,
  ledger: readonly LedgerRow[],
): string[] {
  const violations: string[] = [];
  const refunds = new Map<string, { orderId: string; amount: number; ref: string }>();
  for (const [orderId, payment] of payments) {
    for (const [refundId, refund] of payment.refunds) refunds.set(refundId, { orderId, ...refund });
  }
  const capturedAtGateway = new Map<string, number>();
  const refundedAtGateway = new Map<string, number>();
  for (const row of ledger) {
    const [operation, ...rest] = row.key.split(':');
    const id = rest.join(':');
    if (operation === 'capture') {
      const payment = payments.get(id);
      if (row.kind === 'captured') {
        capturedAtGateway.set(id, (capturedAtGateway.get(id) ?? 0) + row.amount);
        if (payment?.captured?.ref !== row.ref || payment.captured.amount !== row.amount) {
          violations.push(
            `the gateway captured ${row.amount} (${row.ref}) for ${id}; the log has ${JSON.stringify(payment?.captured)}`,
          );
        }
      } else if (!payment?.declined) {
        violations.push(`the gateway declined ${id}; the log has no PaymentDeclined`);
      }
    } else if (operation === 'refund') {
      const refund = refunds.get(id);
      if (!refund || refund.ref !== row.ref || refund.amount !== row.amount) {
        violations.push(
          `the gateway refunded ${row.amount} (${row.ref}) as ${id}; the log has ${JSON.stringify(refund)}`,
        );
      } else {
        refundedAtGateway.set(
          refund.orderId,
          (refundedAtGateway.get(refund.orderId) ?? 0) + row.amount,
        );
      }
    } else violations.push(`unknown ledger row ${row.key}`);
  }
  const ledgerKeys = new Set(ledger.map((row) => row.key));
  for (const [orderId, payment] of payments) {
    if (payment.captured && !ledgerKeys.has(`capture:${orderId}`)) {
      violations.push(`payment-${orderId} records a capture the gateway never made`);
    }
    for (const refundId of payment.refunds.keys()) {
      if (!ledgerKeys.has(`refund:${refundId}`)) {
        violations.push(`payment-${orderId} records refund ${refundId} the gateway never made`);
      }
    }
    const charged = capturedAtGateway.get(orderId) ?? 0;
    if (
      charged !== (payment.captured?.amount ?? 0) ||
      (refundedAtGateway.get(orderId) ?? 0) > charged
    ) {
      violations.push(
        `order ${orderId}: the gateway charged ${charged} and refunded ${refundedAtGateway.get(orderId) ?? 0}`,
      );
    }
  }
  return violations;
}
