import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Operations } from '../../src/ops/operations.js';
import { rebuildLease } from '../../src/ops/read-model-names.js';
import { comparePositions } from '../../src/stores/position.js';
import type { ReadStore } from '../../src/stores/read-store.js';
import { dump, READ_MODEL_NAMES, settle, startShop, type Shop } from './ops-fixture.js';

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(async () => {
  await shop.api.stop();
});

const leftovers = async (readStore: ReadStore) =>
  (await readStore.listCollections()).filter((name) => /__(rebuild|verify)$/.test(name));

describe('rebuilding a read model without downtime', () => {
  it.each(READ_MODEL_NAMES)('rebuilds %s to the same documents and checkpoint', async (name) => {
    const { engine } = shop.api;
    const before = await dump(engine.readStore, name);
    const checkpoint = await engine.readStore.checkpoint(name);
    const progress: number[] = [];
    const result = await engine.operations.rebuild(name, (p) => progress.push(p.processed));
    expect(result.name).toBe(name);
    // At least where the live read model stood; the log may have grown since.
    expect(comparePositions(String(result.position), String(checkpoint))).toBeGreaterThanOrEqual(0);
    expect(result.events).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    const after = String(await engine.readStore.checkpoint(name));
    expect(comparePositions(after, String(result.position))).toBeGreaterThanOrEqual(0);
    expect(await dump(engine.readStore, name)).toEqual(before);
    expect(await leftovers(engine.readStore)).toEqual([]);
  });

  it('keeps answering queries with the same answers while it rebuilds and swaps', async () => {
    const { api } = shop;
    const urls = ['/v1/catalog?limit=100', `/v1/catalog/${shop.products[0]}`, '/v1/search?q=tea'];
    const baseline = await Promise.all(urls.map((url) => api.request('GET', url)));
    baseline.forEach((res) => expect(res.status).toBe(200));
    const head = String(await api.engine.eventStore.headPosition());
    let rebuilding = true;
    const answers: { url: string; status: number; body: unknown }[] = [];
    const client = async () => {
      while (rebuilding) {
        for (const url of urls) {
          const res = await api.request('GET', url, { headers: { 'X-Min-Position': head } });
          answers.push({ url, status: res.status, body: res.body });
        }
      }
    };
    const clients = [client(), client(), client()];
    let rebuilds = 0;
    // Rebuild until plenty of queries have overlapped the rebuilds and their swaps.
    while ((rebuilds < 4 || answers.length < 60) && rebuilds < 200) {
      await api.engine.operations.rebuild(rebuilds % 2 === 0 ? 'catalog' : 'search');
      rebuilds++;
    }
    rebuilding = false;
    await Promise.all(clients);
    expect(answers.length).toBeGreaterThanOrEqual(60);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(baseline[urls.indexOf(answer.url)]?.body);
    }
  });

  it('follows new events after the swap', async () => {
    const { api } = shop;
    await api.engine.operations.rebuild('catalog');
    const res = await api.request('POST', `/v1/inventory/${shop.products[1]}/receive`, {
      token: shop.admin,
      body: { quantity: 5 },
    });
    expect(res.status).toBe(200);
    await settle(api);
    const doc = await api.engine.readStore.collection('catalog').get(shop.products[1]!);
    expect(doc?._position).toBe(res.body.position);
  });

  it('leaves the live read model intact when a rebuild is abandoned, and a new one succeeds', async () => {
    const { engine } = shop.api;
    const before = await dump(engine.readStore, 'sales');
    const checkpoint = await engine.readStore.checkpoint('sales');
    await expect(
      engine.operations.rebuild('sales', () => {
        throw new Error('operator pressed ctrl-c');
      }),
    ).rejects.toThrow('operator pressed ctrl-c');
    expect(await dump(engine.readStore, 'sales')).toEqual(before);
    expect(await engine.readStore.checkpoint('sales')).toBe(checkpoint);
    await engine.operations.rebuild('sales');
    expect(await dump(engine.readStore, 'sales')).toEqual(before);
    expect(await leftovers(engine.readStore)).toEqual([]);
  });

  it('survives a store that dies in the middle of the swap; the next rebuild cleans up', async () => {
    const { engine } = shop.api;
    const before = await dump(engine.readStore, 'sales');
    let renames = 0;
    const dying = new Proxy(engine.readStore, {
      get(target, property, receiver) {
        if (property === 'renameCollection')
          return async (from: string, to: string) => {
            if (++renames > 1) throw new Error('store connection lost');
            return target.renameCollection(from, to);
          };
        if (property === 'dropCollection')
          return async (name: string) => {
            if (renames > 1) throw new Error('store connection lost');
            return target.dropCollection(name);
          };
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const crashing = new Operations({
      eventStore: engine.eventStore,
      readStore: dying,
      readModels: engine.readModels,
      holder: 'crashing-process',
    });
    await expect(crashing.rebuild('sales')).rejects.toThrow('store connection lost');
    expect(await leftovers(engine.readStore)).not.toEqual([]);
    // The live runner replays over the newer documents as no-ops.
    await settle(shop.api);
    expect(await dump(engine.readStore, 'sales')).toEqual(before);
    expect((await engine.operations.verify('sales')).differences).toEqual([]);

    await engine.operations.rebuild('sales');
    expect(await dump(engine.readStore, 'sales')).toEqual(before);
    expect(await leftovers(engine.readStore)).toEqual([]);
  });

  it('runs one rebuild per read model at a time', async () => {
    const { engine } = shop.api;
    expect(
      await engine.readStore.acquireLease(rebuildLease('orders'), 'another-process', 60_000),
    ).toBe(true);
    try {
      await expect(engine.operations.rebuild('orders')).rejects.toMatchObject({
        code: 'REBUILD_RUNNING',
      });
    } finally {
      await engine.readStore.releaseLease(rebuildLease('orders'), 'another-process');
    }
  });

  it('refuses the swap from a process without the live runner while a server applies the read model', async () => {
    const { engine } = shop.api;
    const before = await dump(engine.readStore, 'orders');
    const cli = new Operations({
      eventStore: engine.eventStore,
      readStore: engine.readStore,
      holder: 'cli-process',
    });
    await expect(cli.rebuild('orders')).rejects.toMatchObject({ code: 'PROJECTION_BUSY' });
    expect(await dump(engine.readStore, 'orders')).toEqual(before);
    expect(await leftovers(engine.readStore)).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown read model', async () => {
    await expect(shop.api.engine.operations.rebuild('nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
