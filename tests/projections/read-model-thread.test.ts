import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { v7 as uuidv7 } from 'uuid';
import { productAggregate } from '../../src/commands/product.js';
import { DEAD_LETTERS } from '../../src/projections/dead-letters.js';
import {
  PROJECTIONS,
  startReadModels,
  type ReadModels,
} from '../../src/projections/read-models.js';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import type { ReadStore } from '../../src/stores/read-store.js';
import { eur, startShop, type Shop } from '../support/fulfilment-fixture.js';

const admin = { actor: 'admin' };

describe('read models following the log on a thread of their own', () => {
  let shop: Shop;
  let dir: string;
  let store: ReadStore;
  let models: ReadModels;
  const errors: unknown[] = [];

  const head = async () => (await shop.temp.store.headPosition()) ?? '0';
  const running = (name: string) => models.running.get(name)!;
  const setPrice = (amount: number) =>
    shop.handler.handle(
      productAggregate,
      'product-p-lamp',
      { type: 'ChangePrice', price: eur(amount) },
      admin,
    );

  beforeAll(async () => {
    shop = await startShop();
    await shop.handler.handle(
      productAggregate,
      'product-p-lamp',
      {
        type: 'CreateProduct',
        productId: 'p-lamp',
        sku: 'LAMP-1',
        name: 'Desk lamp',
        description: 'A lamp',
        category: 'lighting',
        price: eur(2500),
        attributes: {},
      },
      admin,
    );
    await shop.stock('p-lamp', 10);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-read-'));
    store = await EmbeddedReadStore.open({ dataDir: dir });
    models = await startReadModels({
      eventStore: shop.temp.store,
      readStore: store,
      holder: uuidv7(),
      onError: (_, error) => errors.push(error),
      threads: { stores: { eventStoreDir: shop.temp.dataDir, readStoreDir: dir } },
    });
  });
  afterAll(async () => {
    await models.stop();
    await store.close();
    await shop.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies new events there; documents, positions and states show here', async () => {
    const order = await shop.place([{ productId: 'p-lamp', quantity: 2 }]);
    await shop.decision(order.orderId);
    await shop.settle();
    const position = await head();
    await Promise.all(PROJECTIONS.map((p) => models.waitFor(p.name, position, 20_000)));
    expect(await store.collection('orders').get(order.orderId)).toMatchObject({
      status: 'confirmed',
    });
    expect(await store.collection('catalog').get('p-lamp')).toMatchObject({ unitsSold: 2 });
    await Promise.all(
      PROJECTIONS.map((p) =>
        firstValueFrom(running(p.name).states.pipe(filter((s) => s === 'live'))),
      ),
    );
    for (const p of PROJECTIONS) {
      expect(running(p.name).status()).toMatchObject({
        name: p.name,
        status: 'live',
        deadLetters: 0,
      });
    }
    // Every event up to the head is applied, so its checkpoint is reported here.
    expect(running('catalog').status().position).toBe(await store.checkpoint('catalog'));
    expect(errors).toEqual([]);
  });

  it('runs exclusive work here while the runner there applies nothing', async () => {
    const before = (await store.collection('catalog').get('p-lamp'))?.price;
    const changed = await running('catalog').exclusively(async () => {
      const { position } = await setPrice(2700);
      // Held between two batches: the price change waits for the work to end.
      await expect(models.waitFor('catalog', position!, 300)).rejects.toMatchObject({
        code: 'PROJECTION_WAIT_TIMEOUT',
      });
      expect((await store.collection('catalog').get('p-lamp'))?.price).toEqual(before);
      return position!;
    });
    await models.waitFor('catalog', changed, 20_000);
    expect((await store.collection('catalog').get('p-lamp'))?.price).toEqual(eur(2700));
  });

  it('answers a failure of exclusive work with its error and carries on', async () => {
    await expect(
      running('search').exclusively(() => Promise.reject(new Error('work failed'))),
    ).rejects.toThrow('work failed');
    const { position } = await setPrice(2800);
    await models.waitFor('search', position!, 20_000);
  });

  it('parks a poison event there, and retries and skips it from here', async () => {
    // A refund in another currency than the sale: the sales read model cannot apply it.
    const order = await shop.place([{ productId: 'p-lamp', quantity: 1 }]);
    await shop.decision(order.orderId);
    const appended = await shop.temp.store.appendToStream(`payment-${uuidv7()}`, [
      {
        eventId: uuidv7(),
        type: 'PaymentRefunded',
        data: {
          orderId: order.orderId,
          paymentId: uuidv7(),
          amount: { amount: 100, currency: 'USD' },
        },
        metadata: { occurredAt: new Date().toISOString(), schemaVersion: 1 },
      },
    ]);
    await models.waitFor('sales', appended.position, 20_000);
    expect(running('sales').status().deadLetters).toBe(1);
    const [letter] = await store.collection<{ _id: string }>(DEAD_LETTERS).find({});
    const id = letter!._id;

    await expect(running('sales').retryDeadLetter(id)).resolves.toMatchObject({
      retried: false,
      error: expect.stringContaining('USD'),
    });
    await running('sales').skipDeadLetter(id);
    expect(running('sales').status().deadLetters).toBe(0);
    await expect(running('sales').retryDeadLetter(id)).rejects.toMatchObject({
      code: 'DEAD_LETTER_NOT_FOUND',
    });
    expect(errors.length).toBeGreaterThan(0);
    errors.length = 0;
  });

  it('stops: states end with stopped and waits are refused', async () => {
    const own = await startReadModels({
      eventStore: shop.temp.store,
      readStore: store,
      holder: uuidv7(),
      threads: { stores: { eventStoreDir: shop.temp.dataDir, readStoreDir: dir } },
    });
    const states = firstValueFrom(
      own.running.get('orders')!.states.pipe(filter((s) => s === 'stopped')),
    );
    await own.stop();
    await states;
    expect(own.running.get('orders')!.status().status).toBe('stopped');
    await expect(own.waitFor('orders', await head(), 1000)).rejects.toMatchObject({
      code: 'PROJECTION_STOPPED',
    });
  });
});

describe('a read models thread that cannot open its stores', () => {
  it('reports it, shows the read models as failed, starts another, and stops', async () => {
    const shop = await startShop();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-read-'));
    const store = await EmbeddedReadStore.open({ dataDir: dir });
    // A file where the thread expects a directory: opening the read store there fails.
    const notADirectory = path.join(dir, 'file');
    fs.writeFileSync(notADirectory, '');
    const errors: string[] = [];
    const models = await startReadModels({
      eventStore: shop.temp.store,
      readStore: store,
      holder: uuidv7(),
      onError: (_, error) => errors.push(String(error)),
      threads: {
        stores: { eventStoreDir: shop.temp.dataDir, readStoreDir: path.join(notADirectory, 'x') },
      },
    });
    try {
      await firstValueFrom(
        models.running.get('catalog')!.states.pipe(filter((s) => s === 'failed')),
      );
      expect(models.running.get('catalog')!.status()).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('thread ended'),
      });
      expect(errors.some((e) => e.includes('thread ended'))).toBe(true);
    } finally {
      await models.stop();
      await store.close();
      await shop.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
