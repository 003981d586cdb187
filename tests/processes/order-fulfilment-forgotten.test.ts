import { v7 as uuidv7 } from 'uuid';
import { createCommandHandler, type CommandHandler } from '../../src/commands/command-handler.js';
import {
  availability,
  inventoryAggregate,
  reservationOf,
  SETTLED_KEPT,
} from '../../src/commands/inventory.js';
import { orderAggregate } from '../../src/commands/order.js';
import { paymentAggregate } from '../../src/commands/payment.js';
import { inventoryStream } from '../../src/events/inventory.js';
import { orderStream } from '../../src/events/order.js';
import { paymentStream } from '../../src/events/payment.js';
import { SimulatedPaymentGateway } from '../../src/gateways/simulated-payment-gateway.js';
import { orderFulfilment } from '../../src/processes/order-fulfilment.js';
import type { ProcessDefinition } from '../../src/processes/process-runner.js';
import type { EventStore } from '../../src/stores/event-store.js';
import { eur, placeOrder, startShop, type Shop } from '../support/fulfilment-fixture.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

const actor = { actor: 'test' };
const expiresAt = () => new Date(Date.now() + 60_000).toISOString();

/**
 * Other orders reserve and buy one unit each, enough of them that the
 * inventory state no longer remembers what became of earlier reservations.
 */
async function crowdOut(store: EventStore, productId: string) {
  const orders = SETTLED_KEPT.groupSize * SETTLED_KEPT.groups;
  const events = [
    { type: 'StockReceived', data: { productId, quantity: orders } },
    ...Array.from({ length: orders }, () => {
      const reservationId = uuidv7();
      return [
        {
          type: 'StockReserved',
          data: { productId, reservationId, quantity: 1, expiresAt: expiresAt() },
        },
        { type: 'ReservationCommitted', data: { productId, reservationId, quantity: 1 } },
      ];
    }).flat(),
  ];
  await store.appendToStream(
    inventoryStream(productId),
    events.map((event) => ({ ...event, eventId: uuidv7(), metadata: {} })),
    { expectedRevision: 'any' },
  );
}

async function reservation(handler: CommandHandler, productId: string, orderId: string) {
  return reservationOf(
    (await handler.load(inventoryAggregate, inventoryStream(productId))).state,
    orderId,
  );
}

async function stock(handler: CommandHandler, productId: string) {
  return availability((await handler.load(inventoryAggregate, inventoryStream(productId))).state);
}

async function eventsOf(store: EventStore, streamId: string, type: string, orderId: string) {
  return (await store.readStream(streamId)).filter(
    (e) => e.type === type && (e.data as { reservationId?: string }).reservationId === orderId,
  );
}

describe('fulfilment of reservations the inventory no longer remembers', () => {
  describe('a cancelled confirmed order', () => {
    let shop: Shop;
    afterEach(() => shop.stop());

    it('gets its stock back once, however often the cancellation is handled', async () => {
      shop = await startShop();
      await shop.stock('p1', 5);
      const { orderId } = await shop.place([{ productId: 'p1', quantity: 2 }]);
      expect(await shop.decision(orderId)).toMatchObject({ status: 'confirmed' });
      await crowdOut(shop.temp.store, 'p1');
      expect(await reservation(shop.handler, 'p1', orderId)).toEqual({ status: 'forgotten' });

      await shop.handler.handle(
        orderAggregate,
        orderStream(orderId),
        { type: 'CancelOrder', by: 'customer', cancelledAt: new Date().toISOString() },
        actor,
      );
      await shop.settle();
      expect(await shop.inventory('p1')).toEqual({ onHand: 5, reserved: 0, available: 5 });

      // The return is forgotten in turn; the cancellation is handled again, twice.
      await crowdOut(shop.temp.store, 'p1');
      const cancelled = (await shop.temp.store.readStream(orderStream(orderId))).filter(
        (e) => e.type === 'OrderCancelled',
      );
      for (const event of [...cancelled, ...cancelled]) await shop.fulfilment.handle(event);
      const stream = inventoryStream('p1');
      expect(await eventsOf(shop.temp.store, stream, 'StockReturned', orderId)).toHaveLength(1);
      expect(await shop.inventory('p1')).toEqual({ onHand: 5, reserved: 0, available: 5 });
      const refunds = shop.ledger.ledger().filter((r) => r.kind === 'refunded');
      expect(refunds).toHaveLength(1);
    });
  });

  describe('a redelivered order event after a crash', () => {
    let temp: TempStore;
    let handler: CommandHandler;
    let ledger: SimulatedPaymentGateway;
    let fulfilment: ProcessDefinition;
    beforeEach(async () => {
      temp = await openTempStore();
      handler = createCommandHandler({ eventStore: temp.store, clock: () => new Date() });
      ledger = new SimulatedPaymentGateway(temp.dataDir);
      fulfilment = orderFulfilment({
        handler,
        gateway: ledger,
        clock: () => new Date(),
        paymentTimeoutMs: 1000,
        reservationTtlMs: 60_000,
        eventStore: temp.store,
      });
    });
    afterEach(async () => {
      ledger.close();
      await temp.cleanup();
    });

    /** Five units of the product in stock. */
    const receive = (productId: string) =>
      handler.handle(
        inventoryAggregate,
        inventoryStream(productId),
        { type: 'ReceiveStock', productId, quantity: 5 },
        actor,
      );

    /** Places an order; the fulfilment process is not running, the test takes its steps. */
    async function place(lines: { productId: string; quantity: number }[]) {
      const orderId = uuidv7();
      await handler.handle(orderAggregate, orderStream(orderId), placeOrder(orderId, lines), {
        actor: 'customer-1',
      });
      return orderId;
    }

    /** What the process did before it died: reserved every line and took the money. */
    async function reservedAndPaid(
      orderId: string,
      lines: { productId: string; quantity: number }[],
    ) {
      for (const { productId, quantity } of lines) {
        await handler.handle(
          inventoryAggregate,
          inventoryStream(productId),
          {
            type: 'ReserveStock',
            productId,
            reservationId: orderId,
            quantity,
            expiresAt: expiresAt(),
          },
          actor,
        );
      }
      const amount = eur(1000 * lines.reduce((sum, l) => sum + l.quantity, 0));
      const outcome = await ledger.capture({ idempotencyKey: orderId, amount, token: 'tok_visa' });
      await handler.handle(
        paymentAggregate,
        paymentStream(orderId),
        { type: 'RecordCapture', orderId, amount, outcome, at: new Date().toISOString() },
        actor,
      );
    }

    const commit = (productId: string, orderId: string) =>
      handler.handle(
        inventoryAggregate,
        inventoryStream(productId),
        { type: 'CommitReservation', productId, reservationId: orderId },
        actor,
      );

    async function handleOrderEvents(orderId: string) {
      for (const event of await temp.store.readStream(orderStream(orderId))) {
        await fulfilment.handle(event);
      }
    }

    it('confirms an order whose stock was committed and then forgotten, reserving nothing again', async () => {
      await receive('p1');
      const lines = [{ productId: 'p1', quantity: 2 }];
      const orderId = await place(lines);
      await reservedAndPaid(orderId, lines);
      await commit('p1', orderId);
      await crowdOut(temp.store, 'p1');
      expect(await reservation(handler, 'p1', orderId)).toEqual({ status: 'forgotten' });

      await handleOrderEvents(orderId);
      const order = (await handler.load(orderAggregate, orderStream(orderId))).state;
      expect(order.status).toBe('confirmed');
      expect(
        await eventsOf(temp.store, inventoryStream('p1'), 'StockReserved', orderId),
      ).toHaveLength(1);
      expect(await stock(handler, 'p1')).toEqual({ onHand: 3, reserved: 0, available: 3 });
      expect(ledger.ledger()).toHaveLength(1);
    });

    it('rejects an order whose other line expired, and returns the line that was committed and forgotten', async () => {
      for (const productId of ['p1', 'p2']) await receive(productId);
      const lines = [
        { productId: 'p1', quantity: 2 },
        { productId: 'p2', quantity: 1 },
      ];
      const orderId = await place(lines);
      await reservedAndPaid(orderId, lines);
      await commit('p1', orderId);
      await handler.handle(
        inventoryAggregate,
        inventoryStream('p2'),
        {
          type: 'ExpireReservations',
          productId: 'p2',
          now: new Date(Date.now() + 120_000).toISOString(),
        },
        actor,
      );
      await crowdOut(temp.store, 'p1');
      expect(await reservation(handler, 'p1', orderId)).toEqual({ status: 'forgotten' });

      await handleOrderEvents(orderId);
      const order = (await handler.load(orderAggregate, orderStream(orderId))).state;
      expect(order).toMatchObject({ status: 'rejected' });
      await handleOrderEvents(orderId);
      await handleOrderEvents(orderId);

      expect(await stock(handler, 'p1')).toEqual({ onHand: 5, reserved: 0, available: 5 });
      expect(await stock(handler, 'p2')).toEqual({ onHand: 5, reserved: 0, available: 5 });
      for (const productId of ['p1', 'p2']) {
        const stream = inventoryStream(productId);
        expect(await eventsOf(temp.store, stream, 'StockReserved', orderId)).toHaveLength(1);
      }
      expect(
        await eventsOf(temp.store, inventoryStream('p1'), 'StockReturned', orderId),
      ).toHaveLength(1);
      expect(ledger.ledger().map((r) => r.kind)).toEqual(['captured', 'refunded']);
    });

    it('rejects a paid order whose reservation expired and was forgotten, returning nothing', async () => {
      await receive('p1');
      const lines = [{ productId: 'p1', quantity: 2 }];
      const orderId = await place(lines);
      await reservedAndPaid(orderId, lines);
      await handler.handle(
        inventoryAggregate,
        inventoryStream('p1'),
        { type: 'ReleaseReservation', productId: 'p1', reservationId: orderId, reason: 'EXPIRED' },
        actor,
      );
      await crowdOut(temp.store, 'p1');

      await handleOrderEvents(orderId);
      await handleOrderEvents(orderId);
      expect((await handler.load(orderAggregate, orderStream(orderId))).state).toMatchObject({
        status: 'rejected',
      });
      expect(
        await eventsOf(temp.store, inventoryStream('p1'), 'StockReserved', orderId),
      ).toHaveLength(1);
      expect(
        await eventsOf(temp.store, inventoryStream('p1'), 'StockReturned', orderId),
      ).toHaveLength(0);
      expect(await stock(handler, 'p1')).toEqual({ onHand: 5, reserved: 0, available: 5 });
    });
  });
});
