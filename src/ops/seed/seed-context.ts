import type { CommandHandler } from '../../commands/command-handler.js';
import { orderStream } from '../../events/order.js';
import type { ProcessDefinition } from '../../processes/process-runner.js';
import type { EventStore } from '../../stores/event-store.js';
import type { Random } from './random.js';
import type { SimulatedClock } from './simulated-clock.js';

export interface SeedStats {
  customers: number;
  products: number;
  coupons: number;
  ordersPlaced: number;
  confirmed: number;
  rejected: Record<string, number>;
  cancelled: number;
  shipped: number;
  delivered: number;
  refunds: number;
  partialRefunds: number;
  couponOrders: number;
  reviews: number;
  restocks: number;
  priceChanges: number;
  discontinued: number;
}

export const emptyStats = (): SeedStats => ({
  customers: 0,
  products: 0,
  coupons: 0,
  ordersPlaced: 0,
  confirmed: 0,
  rejected: {},
  cancelled: 0,
  shipped: 0,
  delivered: 0,
  refunds: 0,
  partialRefunds: 0,
  couponOrders: 0,
  reviews: 0,
  restocks: 0,
  priceChanges: 0,
  discontinued: 0,
});

/** What every part of the seed works with. */
export interface SeedContext {
  readonly handler: CommandHandler;
  readonly eventStore: EventStore;
  readonly clock: SimulatedClock;
  readonly random: Random;
  readonly newId: () => string;
  readonly stats: SeedStats;
  /**
   * Hands the order's events from `fromRevision` on to the fulfilment process,
   * as its runner would, until the process has nothing more to say.
   */
  fulfil(orderId: string, fromRevision: number): Promise<void>;
}

/** Staff actions of the seed (shipping, refunds, catalog upkeep). */
export const STAFF = { actor: 'system:seed' } as const;

/**
 * Drives the fulfilment process in step with the seed: each order event it
 * would receive from its subscription is handed to it directly, in stream
 * order, so its work happens at the simulated time and in a fixed order.
 */
export function fulfilmentDriver(
  eventStore: EventStore,
  process: ProcessDefinition,
  clock: SimulatedClock,
  random: Random,
): SeedContext['fulfil'] {
  return async (orderId, fromRevision) => {
    let next = fromRevision;
    for (;;) {
      const events = await eventStore.readStream(orderStream(orderId), {
        fromRevision: next,
        limit: 100,
      });
      const last = events[events.length - 1];
      if (!last) return;
      for (const event of events) {
        clock.advance(random.int(300, 4000));
        await process.handle(event);
      }
      next = last.revision + 1;
    }
  };
}
