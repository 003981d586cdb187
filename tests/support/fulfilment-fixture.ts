import { v7 as uuidv7 } from 'uuid';
import { createCommandHandler, type CommandHandler } from '../../src/commands/command-handler.js';
import { inventoryAggregate, availability } from '../../src/commands/inventory.js';
import { orderAggregate } from '../../src/commands/order.js';
import { promotionAggregate } from '../../src/commands/promotion.js';
import type { CouponTerms } from '../../src/commands/order-totals.js';
import { SimulatedPaymentGateway } from '../../src/gateways/simulated-payment-gateway.js';
import { inventoryStream } from '../../src/events/inventory.js';
import { orderStream } from '../../src/events/order.js';
import { promotionStream } from '../../src/events/promotion.js';
import { EventStoreCheckpoints } from '../../src/processes/checkpoints.js';
import { OrderDecisions } from '../../src/processes/order-decisions.js';
import { orderFulfilment } from '../../src/processes/order-fulfilment.js';
import type { PaymentGateway } from '../../src/processes/payment-gateway.js';
import { runProcess, type RunningProcess } from '../../src/processes/process-runner.js';
import { openTempStore, type TempStore } from './temp-store.js';

const admin = { actor: 'admin-1' };
export const eur = (amount: number) => ({ amount, currency: 'EUR' });

/** A store, handler, simulated gateway and a running fulfilment process. */
/** customer-1's PlaceOrder for `lines`, each at 10.00 EUR a unit. */
export const placeOrder = (
  orderId: string,
  lines: readonly { productId: string; quantity: number }[],
  token = 'tok_visa',
  coupon?: CouponTerms,
) =>
  ({
    type: 'PlaceOrder',
    orderId,
    customerId: 'customer-1',
    placedAt: new Date().toISOString(),
    lines: lines.map((l) => ({
      ...l,
      unitPrice: eur(1000),
      name: l.productId,
      sku: l.productId,
    })),
    shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'NL' },
    payment: { method: 'card', token },
    ...(coupon ? { coupon } : {}),
  }) as const;

export async function startShop(
  options: { gateway?: (real: PaymentGateway) => PaymentGateway; paymentTimeoutMs?: number } = {},
) {
  const temp: TempStore = await openTempStore();
  const clock = () => new Date();
  const handler: CommandHandler = createCommandHandler({
    eventStore: temp.store,
    snapshots: temp.store,
    clock,
  });
  const ledger = new SimulatedPaymentGateway(temp.dataDir);
  const gateway = options.gateway ? options.gateway(ledger) : ledger;
  const decisions = await OrderDecisions.start(temp.store);
  const fulfilment = orderFulfilment({
    handler,
    gateway,
    clock,
    paymentTimeoutMs: options.paymentTimeoutMs ?? 200,
    reservationTtlMs: 60_000,
    eventStore: temp.store,
  });
  const start = () =>
    runProcess(fulfilment, {
      eventStore: temp.store,
      checkpoints: new EventStoreCheckpoints(temp.store, uuidv7),
      retryDelayMs: () => 5,
      checkpointIntervalMs: 5,
    });
  let process: RunningProcess = await start();

  return {
    temp,
    handler,
    ledger,
    decisions,
    fulfilment,
    get process() {
      return process;
    },
    async restartProcess() {
      await process.stop();
      process = await start();
    },
    async stock(productId: string, quantity: number) {
      await handler.handle(
        inventoryAggregate,
        inventoryStream(productId),
        { type: 'ReceiveStock', productId, quantity },
        admin,
      );
    },
    async inventory(productId: string) {
      return availability(
        (await handler.load(inventoryAggregate, inventoryStream(productId))).state,
      );
    },
    async coupon(promotionId: string, maxRedemptions: number) {
      await handler.handle(
        promotionAggregate,
        promotionStream(promotionId),
        {
          type: 'CreatePromotion',
          promotionId,
          code: `CODE-${promotionId}`,
          kind: 'percent',
          value: 10,
          maxRedemptions,
        },
        admin,
      );
      return {
        code: `CODE-${promotionId}`,
        promotionId,
        kind: 'percent',
        value: 10,
      } satisfies CouponTerms;
    },
    async place(
      lines: { productId: string; quantity: number }[],
      token = 'tok_visa',
      coupon?: CouponTerms,
    ) {
      const orderId = uuidv7();
      const result = await handler.handle(
        orderAggregate,
        orderStream(orderId),
        placeOrder(orderId, lines, token, coupon),
        { actor: 'customer-1' },
      );
      return { orderId, position: result.position ?? '' };
    },
    decision(orderId: string) {
      return decisions.wait(orderId, 10_000);
    },
    async order(orderId: string) {
      return (await handler.load(orderAggregate, orderStream(orderId))).state;
    },
    async settle() {
      // Everything the process does is caused by an order event: once the
      // newest order event is handled, its effects are in the log.
      const [last] = await temp.store.readAll({
        direction: 'backwards',
        limit: 1,
        filter: { streamCategories: ['order'] },
      });
      if (last) await process.waitFor(last.position);
    },
    async stop() {
      decisions.stop();
      await process.stop();
      ledger.close();
      await temp.cleanup();
    },
  };
}

export type Shop = Awaited<ReturnType<typeof startShop>>;
