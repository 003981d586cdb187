import { v7 as uuidv7 } from 'uuid';
import { orderStream } from '../../src/events/order.js';
import { OrderDecisions } from '../../src/processes/order-decisions.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

describe('order decisions', () => {
  let temp: TempStore;
  let decisions: OrderDecisions;
  beforeEach(async () => {
    temp = await openTempStore();
    decisions = await OrderDecisions.start(temp.store, { recentSize: 2 });
  });
  afterEach(async () => {
    decisions.stop();
    await temp.cleanup();
  });

  const event = (type: string, data: Record<string, unknown> = {}) => ({
    eventId: uuidv7(),
    type,
    data,
    metadata: {},
  });
  const place = (orderId: string) =>
    temp.store.appendToStream(orderStream(orderId), [event('OrderPlaced', { orderId })]);
  const decide = (orderId: string, reason?: string) =>
    temp.store.appendToStream(orderStream(orderId), [
      reason ? event('OrderRejected', { orderId, reason }) : event('OrderConfirmed', { orderId }),
    ]);

  it('answers a caller waiting for a decision made later', async () => {
    await place('o1');
    const waiting = decisions.wait('o1', 10_000);
    const { position } = await decide('o1', 'OUT_OF_STOCK');
    expect(await waiting).toEqual({ status: 'rejected', reason: 'OUT_OF_STOCK', position });
  });

  it('answers from the log a decision made long before the caller asked', async () => {
    const orders = ['o1', 'o2', 'o3', 'o4'];
    const positions = new Map<string, string>();
    for (const orderId of orders) {
      await place(orderId);
      positions.set(orderId, (await decide(orderId)).position);
    }
    // More decisions than are kept in memory: the first ones come from their streams.
    for (const orderId of orders) {
      expect(await decisions.wait(orderId, 10_000)).toEqual({
        status: 'confirmed',
        position: positions.get(orderId),
      });
    }
  });

  it('answers undefined when no decision comes in time, also for an unknown order', async () => {
    await place('o1');
    expect(await decisions.wait('o1', 20)).toBeUndefined();
    expect(await decisions.wait('nobody', 20)).toBeUndefined();
  });

  it('answers every caller waiting for the same order, and callers of other orders stay waiting', async () => {
    await place('o1');
    await place('o2');
    const first = decisions.wait('o1', 10_000);
    const second = decisions.wait('o1', 10_000);
    const other = decisions.wait('o2', 10_000);
    const { position } = await decide('o1');
    expect(await Promise.all([first, second])).toEqual([
      { status: 'confirmed', position },
      { status: 'confirmed', position },
    ]);
    const later = await decide('o2', 'PAYMENT_DECLINED');
    expect(await other).toEqual({
      status: 'rejected',
      reason: 'PAYMENT_DECLINED',
      position: later.position,
    });
  });
});
