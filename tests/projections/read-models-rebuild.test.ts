import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { v7 as uuidv7 } from 'uuid';
import { productAggregate } from '../../src/commands/product.js';
import { reviewAggregate } from '../../src/commands/review.js';
import { orderAggregate } from '../../src/commands/order.js';
import { PROJECTIONS, startReadModels } from '../../src/projections/read-models.js';
import { startProjection } from '../../src/projections/projection-runner.js';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import type { Doc, ReadStore } from '../../src/stores/read-store.js';
import { eur, startShop, type Shop } from '../support/fulfilment-fixture.js';

const admin = { actor: 'admin' };

/** A small but varied shop history: products in several languages, orders of every outcome, a review. */
async function shopHistory(shop: Shop): Promise<void> {
  const products = [
    ['p-laptop', 'Laptop Pro 14', 'computers'],
    ['p-creme', 'Crème brûlée set', 'kitchen'],
    ['p-earbuds', '无线蓝牙耳机', 'audio'],
    ['p-kettle', 'Kettle', 'kitchen'],
  ] as const;
  for (const [productId, name, category] of products) {
    await shop.handler.handle(
      productAggregate,
      `product-${productId}`,
      {
        type: 'CreateProduct',
        productId,
        sku: productId.toUpperCase(),
        name,
        description: `${name} description`,
        category,
        price: eur(1000),
        attributes: {},
      },
      admin,
    );
    await shop.stock(productId, 20);
  }
  const orders = [
    await shop.place([
      { productId: 'p-laptop', quantity: 1 },
      { productId: 'p-creme', quantity: 2 },
    ]),
    await shop.place([
      { productId: 'p-laptop', quantity: 1 },
      { productId: 'p-earbuds', quantity: 1 },
    ]),
    await shop.place([{ productId: 'p-kettle', quantity: 1 }], 'tok_declined'),
    await shop.place([{ productId: 'p-earbuds', quantity: 50 }]),
    await shop.place([{ productId: 'p-creme', quantity: 1 }]),
  ];
  for (const o of orders) await shop.decision(o.orderId);
  const at = () => new Date().toISOString();
  const first = orders[0]!.orderId;
  await shop.handler.handle(
    orderAggregate,
    `order-${first}`,
    { type: 'ShipOrder', carrier: 'DHL', trackingNumber: 'T1', shippedAt: at() },
    admin,
  );
  await shop.handler.handle(
    orderAggregate,
    `order-${first}`,
    { type: 'DeliverOrder', deliveredAt: at() },
    admin,
  );
  await shop.handler.handle(
    orderAggregate,
    `order-${orders[1]!.orderId}`,
    { type: 'RefundOrder', refundId: 'r1', amount: 300, reason: 'dent', refundedAt: at() },
    admin,
  );
  await shop.handler.handle(
    orderAggregate,
    `order-${orders[4]!.orderId}`,
    { type: 'CancelOrder', by: 'customer', cancelledAt: at() },
    { actor: 'customer-1' },
  );
  await shop.handler.handle(
    reviewAggregate,
    'review-p-laptop-customer-1',
    {
      type: 'SubmitReview',
      reviewId: uuidv7(),
      productId: 'p-laptop',
      customerId: 'customer-1',
      rating: 4,
      body: 'Fast',
      hasDeliveredOrder: true,
      submittedAt: at(),
    },
    { actor: 'customer-1' },
  );
  await shop.settle();
}

/** Every document of every read model collection, without bookkeeping. */
async function dump(store: ReadStore): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const projection of PROJECTIONS) {
    for (const { name } of projection.collections) {
      out[name] = await store.collection(name).find({}, { sort: { _id: 1 } });
    }
  }
  return out;
}

describe('read models over a real shop history', () => {
  let shop: Shop;
  const dirs: string[] = [];
  const openStore = async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-read-'));
    dirs.push(dir);
    return EmbeddedReadStore.open({ dataDir: dir });
  };
  beforeAll(async () => {
    shop = await startShop();
    await shopHistory(shop);
  });
  afterAll(async () => {
    await shop.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const buildAll = async (store: ReadStore) => {
    const models = await startReadModels({
      eventStore: shop.temp.store,
      readStore: store,
      holder: uuidv7(),
    });
    const head = (await shop.temp.store.headPosition()) ?? '0';
    await Promise.all(PROJECTIONS.map((p) => models.waitFor(p.name, head, 30_000)));
    await models.stop();
  };

  it('builds every read model, and a second build from scratch is identical', async () => {
    const one = await openStore();
    const two = await openStore();
    await buildAll(one);
    await buildAll(two);
    const first = await dump(one);
    expect(first.catalog).toHaveLength(4);
    expect(first.orders).toHaveLength(5);
    expect(first.catalog?.find((d) => d._id === 'p-laptop')).toMatchObject({
      reviewCount: 1,
      unitsSold: 2,
    });
    expect(await dump(two)).toEqual(first);
    await one.close();
    await two.close();
  });

  it('catches up on threads of its own to the same documents, then follows the log', async () => {
    const reference = await openStore();
    await buildAll(reference);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-read-'));
    dirs.push(dir);
    const store = await EmbeddedReadStore.open({ dataDir: dir });
    const errors: unknown[] = [];
    const models = await startReadModels({
      eventStore: shop.temp.store,
      readStore: store,
      holder: uuidv7(),
      onError: (_, error) => errors.push(error),
      threads: { stores: { eventStoreDir: shop.temp.dataDir, readStoreDir: dir }, minLag: 1 },
    });
    try {
      expect([...models.threaded].sort()).toEqual(PROJECTIONS.map((p) => p.name).sort());
      const head = (await shop.temp.store.headPosition()) ?? '0';
      await Promise.all(PROJECTIONS.map((p) => models.waitFor(p.name, head, 30_000)));
      expect(await dump(store)).toEqual(await dump(reference));

      // Once each thread is done, the runners that follow the log take over.
      const order = await shop.place([{ productId: 'p-kettle', quantity: 1 }]);
      await shop.decision(order.orderId);
      await shop.settle();
      const next = (await shop.temp.store.headPosition()) ?? '0';
      await Promise.all(PROJECTIONS.map((p) => models.waitFor(p.name, next, 30_000)));
      expect(await store.collection('orders').get(order.orderId)).toMatchObject({
        status: 'confirmed',
      });
      // Each thread hands over to a runner on the read models thread, which goes live.
      await Promise.all(
        [...models.running.values()].map((r) =>
          firstValueFrom(r.states.pipe(filter((s) => s === 'live'))),
        ),
      );
      const rebuilt = await openStore();
      await buildAll(rebuilt);
      expect(await dump(store)).toEqual(await dump(rebuilt));
      expect(errors).toEqual([]);
    } finally {
      await models.stop();
      await store.close();
      await reference.close();
    }
  });

  it('starts no catch-up thread when no read model is far enough behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-read-'));
    dirs.push(dir);
    const store = await EmbeddedReadStore.open({ dataDir: dir });
    const models = await startReadModels({
      eventStore: shop.temp.store,
      readStore: store,
      holder: uuidv7(),
      threads: { stores: { eventStoreDir: shop.temp.dataDir, readStoreDir: dir } },
    });
    expect(models.threaded.size).toBe(0);
    await models.stop();
    await store.close();
  });

  it('replaying the whole log again changes no document', async () => {
    const store = await openStore();
    await buildAll(store);
    const before = await dump(store);
    for (const p of PROJECTIONS) await store.commit(p.name, '0', []);
    await buildAll(store);
    expect(await dump(store)).toEqual(before);
    await store.close();
  });

  it('a runner stopped part-way and restarted converges to the same documents', async () => {
    const reference = await openStore();
    await buildAll(reference);
    const store = await openStore();
    const head = (await shop.temp.store.headPosition()) ?? '0';
    const events = await shop.temp.store.readAll();
    const middle = events[Math.floor(events.length / 2)]!.position;
    for (const projection of PROJECTIONS) {
      const partial = startProjection(projection, {
        eventStore: shop.temp.store,
        readStore: store,
        holder: 'a',
        batchSize: 7,
      });
      await partial.waitFor(middle, 30_000);
      await partial.stop();
    }
    expect(await dump(store)).not.toEqual(await dump(reference));
    const models = await startReadModels({
      eventStore: shop.temp.store,
      readStore: store,
      holder: 'b',
    });
    await Promise.all(PROJECTIONS.map((p) => models.waitFor(p.name, head, 30_000)));
    await models.stop();
    expect(await dump(store)).toEqual(await dump(reference));
    await store.close();
    await reference.close();
  });
});
