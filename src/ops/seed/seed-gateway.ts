import { createHash } from 'node:crypto';
import type { CaptureOutcome, PaymentGateway } from '../../processes/payment-gateway.js';

const ref = (prefix: string, key: string) =>
  `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/**
 * The card processor of the demo shop: decides by token as the simulated
 * gateway does (`tok_visa` is captured, anything else declined), with
 * references derived from the idempotency key, so the same seed records the
 * same payments.
 */
export const seedGateway: PaymentGateway = {
  async capture(request): Promise<CaptureOutcome> {
    return request.token === 'tok_visa'
      ? { kind: 'captured', gatewayRef: ref('ch', request.idempotencyKey) }
      : { kind: 'declined', reason: 'card_declined' };
  },
  async refund(request) {
    return { gatewayRef: ref('re', request.idempotencyKey) };
  },
};
