import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { READ_MODEL_NAMES, settle, startShop, tamper, type Shop } from './ops-fixture.js';

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(async () => {
  await shop.api.stop();
});

const scratch = async (shop: Shop) =>
  (await shop.api.engine.readStore.listCollections()).filter((n) => n.endsWith('__verify'));

describe('verifying a read model against a fresh build', () => {
  it.each(READ_MODEL_NAMES)('finds no difference in a healthy %s', async (name) => {
    const result = await shop.api.engine.operations.verify(name);
    expect(result.differences).toEqual([]);
    expect(result.documents).toBeGreaterThan(0);
    expect(result.position).toBe(await shop.api.engine.readStore.checkpoint(name));
    expect(await scratch(shop)).toEqual([]);
  });

  it('reports a tampered, a deleted and an extra document', async () => {
    const { readStore } = shop.api.engine;
    const [a, b] = shop.products as [string, string];
    await tamper(readStore, 'catalog', a, (doc) => ({ ...doc, name: 'Forged' }));
    await readStore.commit('tests', undefined, [
      { kind: 'delete', collection: 'catalog', id: b },
      { kind: 'put', collection: 'catalog', doc: { _id: 'ghost', name: 'Ghost' } },
    ]);
    const result = await shop.api.engine.operations.verify('catalog');
    const byId = new Map(result.differences.map((d) => [d.id, d]));
    expect([...byId.keys()].sort()).toEqual([a, b, 'ghost'].sort());
    expect(byId.get(a)).toMatchObject({
      collection: 'catalog',
      live: { name: 'Forged' },
      rebuilt: { name: 'Teapot' },
    });
    expect(byId.get(b)).toMatchObject({ live: null, rebuilt: { _id: b } });
    expect(byId.get('ghost')).toMatchObject({ live: { name: 'Ghost' }, rebuilt: null });
    expect(await scratch(shop)).toEqual([]);

    // A rebuild repairs it all.
    await shop.api.engine.operations.rebuild('catalog');
    expect((await shop.api.engine.operations.verify('catalog')).differences).toEqual([]);
  });

  it('compares at one position while the live read model moves on', async () => {
    const { api } = shop;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const res = await api.request('POST', `/v1/inventory/${shop.products[i % 3]}/receive`, {
          token: shop.admin,
          body: { quantity: 1 },
        });
        expect(res.status).toBe(200);
      }
    })();
    try {
      for (let i = 0; i < 3; i++) {
        const result = await api.engine.operations.verify('catalog');
        expect(result.differences).toEqual([]);
      }
    } finally {
      writing = false;
      await writer;
    }
    await settle(api);
  });
});
