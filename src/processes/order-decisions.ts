import type { Subscription } from 'rxjs';
import { LruCache } from '../commands/lru-cache.js';
import { orderStream, type RejectionReason } from '../events/order.js';
import type { EventStore, RecordedEvent } from '../stores/event-store.js';

export type OrderDecision =
  | { readonly status: 'confirmed'; readonly position: string }
  | { readonly status: 'rejected'; readonly reason: RejectionReason; readonly position: string };

const DECISIONS = ['OrderConfirmed', 'OrderRejected'];

/**
 * Watches the log for order decisions with one subscription and lets any
 * number of callers wait for a given order's decision. A caller that asks
 * after the decision was made gets it from a small cache of recent decisions
 * or, failing that, from the order's own stream: the log is the memory, so
 * the cache only spares a read.
 */
export class OrderDecisions {
  private readonly waiters = new Map<string, Set<(decision: OrderDecision) => void>>();
  private readonly recent: LruCache<string, OrderDecision>;
  private readonly subscription: Subscription;

  private constructor(
    private readonly eventStore: EventStore,
    fromPosition: string | undefined,
    recentSize: number,
  ) {
    this.recent = new LruCache(recentSize);
    this.subscription = eventStore
      .subscribeToAll({
        ...(fromPosition ? { fromPosition } : {}),
        filter: { streamCategories: ['order'], eventTypes: DECISIONS },
      })
      .subscribe((event) => this.seen(event));
  }

  /** Watches decisions made from now on; earlier ones are read from the log when asked for. */
  static async start(
    eventStore: EventStore,
    options: { readonly recentSize?: number } = {},
  ): Promise<OrderDecisions> {
    return new OrderDecisions(
      eventStore,
      await eventStore.headPosition(),
      options.recentSize ?? 1000,
    );
  }

  /** The order's decision, or undefined when none came within `timeoutMs`. */
  wait(orderId: string, timeoutMs: number): Promise<OrderDecision | undefined> {
    const known = this.recent.get(orderId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiters = this.waiters.get(orderId) ?? new Set();
      this.waiters.set(orderId, waiters);
      let answered = false;
      const done = (decision: OrderDecision | undefined) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiters.get(orderId) === waiters) {
          this.waiters.delete(orderId);
        }
        resolve(decision);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      waiters.add(done);
      // Registered first, so a decision is either in the stream now or seen later.
      this.decidedEarlier(orderId).then(
        (decision) => {
          if (decision) done(decision);
        },
        () => undefined,
      );
    });
  }

  stop(): void {
    this.subscription.unsubscribe();
  }

  private async decidedEarlier(orderId: string): Promise<OrderDecision | undefined> {
    // A decision is the first event after OrderPlaced, if the order has one.
    const events = await this.eventStore.readStream(orderStream(orderId), { limit: 2 });
    const decided = events.find((event) => DECISIONS.includes(event.type));
    return decided && decisionOf(decided);
  }

  private seen(event: RecordedEvent): void {
    const orderId = event.streamId.slice('order-'.length);
    const decision = decisionOf(event);
    this.recent.set(orderId, decision);
    for (const waiter of [...(this.waiters.get(orderId) ?? [])]) waiter(decision);
  }
}

function decisionOf(event: RecordedEvent): OrderDecision {
  return event.type === 'OrderConfirmed'
    ? { status: 'confirmed', position: event.position }
    : {
        status: 'rejected',
        reason: (event.data as { reason: RejectionReason }).reason,
        position: event.position,
      };
}
