import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { productStream } from '../../src/events/product.js';
import { orderStream } from '../../src/events/order.js';
import { dump, startShop, tamper, type Shop } from './ops-fixture.js';

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(async () => {
  await shop.api.stop();
});

describe('replaying one stream into a read model', () => {
  it('restores a tampered catalog document from its product stream', async () => {
    const { readStore, operations } = shop.api.engine;
    const productId = shop.products[0]!;
    const before = await dump(readStore, 'catalog');
    await tamper(readStore, 'catalog', productId, (doc) => ({
      ...doc,
      price: { amount: 1, currency: 'EUR' },
    }));
    const progress: number[] = [];
    const result = await operations.replay('catalog', productStream(productId), (p) =>
      progress.push(p.processed),
    );
    expect(result).toEqual({ name: 'catalog', streamId: productStream(productId), documents: 1 });
    expect(progress.length).toBeGreaterThan(0);
    expect(await dump(readStore, 'catalog')).toEqual(before);
  });

  it('recomputes documents shared with other streams (a sales day of several orders)', async () => {
    const { readStore, operations } = shop.api.engine;
    const before = await dump(readStore, 'sales');
    const day = before.sales?.[0];
    expect(day).toBeDefined();
    await tamper(readStore, 'sales', day!._id, (doc) => ({ ...doc, buckets: [] }));
    await readStore.commit('tests', undefined, [
      { kind: 'delete', collection: 'sales_products', id: shop.products[1]! },
    ]);
    const orderId = String(shop.orders[0]!.orderId);
    const result = await operations.replay('sales', orderStream(orderId));
    expect(result.documents).toBeGreaterThanOrEqual(3);
    expect(await dump(readStore, 'sales')).toEqual(before);
    expect((await operations.verify('sales')).differences).toEqual([]);
  });

  it('changes nothing on a healthy read model', async () => {
    const { readStore, operations } = shop.api.engine;
    const before = await dump(readStore, 'recommendations');
    await operations.replay('recommendations', orderStream(String(shop.orders[1]!.orderId)));
    expect(await dump(readStore, 'recommendations')).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown stream or read model', async () => {
    const { operations } = shop.api.engine;
    await expect(operations.replay('catalog', 'product-nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(operations.replay('nope', productStream(shop.products[0]!))).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
  });
});
