import { orderAggregate, type OrderCommand } from '../../src/commands/order.js';
import { hasReceived, purchasesAggregate } from '../../src/commands/purchases.js';
import { orderStream } from '../../src/events/order.js';
import { purchasesStream, type PurchasesEvent } from '../../src/events/purchases.js';
import { startShop, type Shop } from '../support/fulfilment-fixture.js';
import { given } from '../support/given-when-then.js';

const delivered: PurchasesEvent = {
  type: 'ProductsDelivered',
  data: { customerId: 'c1', orderId: 'o1', productIds: ['p1', 'p2'] },
};

describe('purchases decider', () => {
  it('records the products of a delivered order once per order', () => {
    const record = { type: 'RecordDelivery' as const, ...delivered.data };
    given(purchasesAggregate).when(record).then(delivered);
    given(purchasesAggregate, delivered).when(record).thenNothing();
    const state = given(purchasesAggregate, delivered).state;
    expect(hasReceived(state, 'p2')).toBe(true);
    expect(hasReceived(state, 'p3')).toBe(false);
    expect(hasReceived(state, 'constructor')).toBe(false);
  });
});

describe('order fulfilment records deliveries', () => {
  let shop: Shop;
  afterEach(() => shop.stop());

  const run = (orderId: string, command: OrderCommand) =>
    shop.handler.handle(orderAggregate, orderStream(orderId), command, { actor: 'admin-1' });
  const purchases = async () =>
    (await shop.handler.load(purchasesAggregate, purchasesStream('customer-1'))).state;

  it('records the products once the order is delivered, and only once', async () => {
    shop = await startShop();
    await shop.stock('p1', 5);
    await shop.stock('p2', 5);
    const { orderId } = await shop.place([
      { productId: 'p1', quantity: 1 },
      { productId: 'p2', quantity: 2 },
    ]);
    expect(await shop.decision(orderId)).toMatchObject({ status: 'confirmed' });
    const at = new Date().toISOString();
    await run(orderId, { type: 'ShipOrder', carrier: 'DHL', trackingNumber: 'T1', shippedAt: at });
    await shop.settle();
    expect(hasReceived(await purchases(), 'p1')).toBe(false);

    await run(orderId, { type: 'DeliverOrder', deliveredAt: at });
    await run(orderId, {
      type: 'RefundOrder',
      refundId: 'r1',
      amount: 100,
      reason: 'dent',
      refundedAt: at,
    });
    await shop.settle();
    const state = await purchases();
    expect(hasReceived(state, 'p1')).toBe(true);
    expect(hasReceived(state, 'p2')).toBe(true);

    for (const event of await shop.temp.store.readStream(orderStream(orderId))) {
      await shop.fulfilment.handle(event);
    }
    const recorded = await shop.temp.store.readStream(purchasesStream('customer-1'));
    expect(recorded.map((e) => e.type)).toEqual(['ProductsDelivered']);
    expect(recorded[0]?.data).toEqual({
      customerId: 'customer-1',
      orderId,
      productIds: ['p1', 'p2'],
    });
  });
});
