import type { CommandHandler } from '../commands/command-handler.js';
import { inventoryAggregate } from '../commands/inventory.js';
import type { Clock } from '../events/envelope.js';
import { inventoryStream } from '../events/inventory.js';

const actor = { actor: 'system:reservation-expiry' };

/**
 * Releases stock held for orders that were not settled in time. The
 * fulfilment process tells it about each reservation it holds and forgets
 * it once the order is decided; a periodic sweep expires the rest.
 */
export class ReservationExpiry {
  /** productId -> orderId -> expiresAt (ms). */
  private readonly held = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly handler: CommandHandler,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  track(productId: string, orderId: string, expiresAt: string): void {
    let orders = this.held.get(productId);
    if (!orders) this.held.set(productId, (orders = new Map()));
    orders.set(orderId, Date.parse(expiresAt));
  }

  settled(productId: string, orderId: string): void {
    const orders = this.held.get(productId);
    orders?.delete(orderId);
    if (orders?.size === 0) this.held.delete(productId);
  }

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.sweep(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** Expires every due reservation now; returns how many products were swept. */
  sweep(): Promise<void> {
    this.sweeping ??= this.expireDue().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async expireDue(): Promise<void> {
    const now = this.clock();
    const due = [...this.held].filter(([, orders]) =>
      [...orders.values()].some((expiresAt) => expiresAt <= now.getTime()),
    );
    for (const [productId, orders] of due) {
      try {
        await this.handler.handle(
          inventoryAggregate,
          inventoryStream(productId),
          { type: 'ExpireReservations', productId, now: now.toISOString() },
          actor,
        );
        for (const [orderId, expiresAt] of orders) {
          if (expiresAt <= now.getTime()) this.settled(productId, orderId);
        }
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
