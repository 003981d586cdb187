import type { Subscription } from 'rxjs';
import { LruCache } from '../commands/lru-cache.js';
import type { RejectionReason } from '../events/order.js';
import type { EventStore, RecordedEvent } from '../stores/event-store.js';

export type OrderDecision =
  | { readonly status: 'confirmed'; readonly position: string }
  | { readonly status: 'rejected'; readonly reason: RejectionReason; readonly position: string };

/**
 * Watches the log for order decisions with one subscription and lets any
 * number of callers wait for a given order's decision. Decisions seen before
 * anyone asked are kept for a while, so a caller that asks late still gets them.
 */
export class OrderDecisions {
  private readonly waiters = new Map<string, Set<(decision: OrderDecision) => void>>();
  private readonly recent = new LruCache<string, OrderDecision>(50_000);
  private readonly subscription: Subscription;

  private constructor(eventStore: EventStore, fromPosition: string | undefined) {
    this.subscription = eventStore
      .subscribeToAll({
        ...(fromPosition ? { fromPosition } : {}),
        filter: { streamCategories: ['order'], eventTypes: ['OrderConfirmed', 'OrderRejected'] },
      })
      .subscribe((event) => this.seen(event));
  }

  /** Watches decisions made from now on. */
  static async start(eventStore: EventStore): Promise<OrderDecisions> {
    return new OrderDecisions(eventStore, await eventStore.headPosition());
  }

  /** The order's decision, or undefined when none came within `timeoutMs`. */
  wait(orderId: string, timeoutMs: number): Promise<OrderDecision | undefined> {
    const known = this.recent.get(orderId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(orderId) ?? new Set();
      this.waiters.set(orderId, waiters);
      const done = (decision: OrderDecision | undefined) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.waiters.delete(orderId);
        resolve(decision);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      waiters.add(done);
    });
  }

  stop(): void {
    this.subscription.unsubscribe();
  }

  private seen(event: RecordedEvent): void {
    const orderId = event.streamId.slice('order-'.length);
    const decision: OrderDecision =
      event.type === 'OrderConfirmed'
        ? { status: 'confirmed', position: event.position }
        : {
            status: 'rejected',
            reason: (event.data as { reason: RejectionReason }).reason,
            position: event.position,
          };
    this.recent.set(orderId, decision);
    for (const waiter of [...(this.waiters.get(orderId) ?? [])]) waiter(decision);
  }
}
