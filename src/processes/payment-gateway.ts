import type { Money } from '../events/money.js';

export type CaptureOutcome =
  | { readonly kind: 'captured'; readonly gatewayRef: string }
  | { readonly kind: 'declined'; readonly reason: string };

/**
 * The card processor. Both calls are idempotent per key: a retried capture or
 * refund with the same key never moves money twice. A call may never answer;
 * callers bound it with the signal.
 */
export interface PaymentGateway {
  capture(
    request: { readonly idempotencyKey: string; readonly amount: Money; readonly token: string },
    signal?: AbortSignal,
  ): Promise<CaptureOutcome>;
  refund(
    request: {
      readonly idempotencyKey: string;
      readonly captureRef: string;
      readonly amount: Money;
    },
    signal?: AbortSignal,
  ): Promise<{ readonly gatewayRef: string }>;
}

export class GatewayTimeoutError extends Error {
  constructor(operation: string) {
    super(`The payment gateway did not answer the ${operation} in time`);
    this.name = 'GatewayTimeoutError';
  }
}

/** Runs a gateway call, giving up (and aborting it) after `ms`. */
export async function withTimeout<T>(
  operation: string,
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new GatewayTimeoutError(operation)), ms);
  try {
    return await new Promise<T>((resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
        once: true,
      });
      call(controller.signal).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
  }
}
