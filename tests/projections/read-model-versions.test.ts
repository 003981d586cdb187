import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startEngine, type Engine } from '../../src/engine.js';
import { PROJECTIONS } from '../../src/projections/read-models.js';
import { READ_MODEL_VERSIONS } from '../../src/projections/read-model-versions.js';
import { ADMIN } from '../support/api-harness.js';

/** Read models built by an older projection version are rebuilt when the engine starts. */
describe('read model versions', () => {
  let dataDir: string;
  const config = () =>
    loadConfig({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      PAYMENT_TIMEOUT_MS: '300',
    });
  const start = () => startEngine(config(), pino({ level: 'silent' }));
  const versions = async (engine: Engine) =>
    Object.fromEntries(
      (
        await engine.readStore
          .collection<{ _id: string; version: number }>(READ_MODEL_VERSIONS)
          .find({})
      ).map((doc) => [doc._id, doc.version]),
    );
  const current = Object.fromEntries(PROJECTIONS.map((p) => [p.name, p.version]));

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-versions-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function createProduct(engine: Engine): Promise<{ productId: string; position: string }> {
    const server = engine.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = async (url: string, body: unknown, token?: string) => {
        const res = await fetch(`${base}${url}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        });
        return (await res.json()) as Record<string, string>;
      };
      const { accessToken } = await post('/v1/auth/login', ADMIN);
      const created = await post(
        '/v1/products',
        {
          sku: 'LAMP-1',
          name: 'Desk lamp',
          description: 'A lamp',
          category: 'home',
          price: { amount: 2500, currency: 'EUR' },
        },
        accessToken,
      );
      return { productId: created.productId ?? '', position: created.position ?? '' };
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('records the current version of every new read model and rebuilds none', async () => {
    const engine = await start();
    try {
      expect(await versions(engine)).toEqual(current);
      await engine.jobs.drain();
    } finally {
      await engine.close();
    }
  });

  it('rebuilds, on start, a read model of an older version and one that predates version records', async () => {
    let engine = await start();
    const { productId, position } = await createProduct(engine);
    for (const name of ['catalog', 'sales', 'search']) {
      await engine.readModels.waitFor(name, position, 5000);
    }
    const catalog = engine.readStore.collection('catalog');
    const original = await catalog.get(productId);
    expect(original).toMatchObject({ name: 'Desk lamp' });
    // An older catalog version, whose document differs from what the current one builds.
    await engine.readStore.commit('catalog', undefined, [
      {
        kind: 'put',
        collection: 'catalog',
        doc: { ...original, _id: productId, name: 'Old shape' },
      },
      { kind: 'put', collection: READ_MODEL_VERSIONS, doc: { _id: 'catalog', version: 0 } },
      // Built before versions were recorded: sales at version 1 (now 2), search at 1 (current).
      { kind: 'delete', collection: READ_MODEL_VERSIONS, id: 'sales' },
      { kind: 'delete', collection: READ_MODEL_VERSIONS, id: 'search' },
    ]);
    const checkpoints = [
      await engine.readStore.checkpoint('sales'),
      await engine.readStore.checkpoint('search'),
    ];
    await engine.close();
    expect(checkpoints).toEqual([position, position]);

    engine = await start();
    try {
      await engine.jobs.drain();
      expect(await engine.readStore.collection('catalog').get(productId)).toEqual(original);
      expect(await versions(engine)).toEqual(current);
      expect(current.sales).toBeGreaterThan(1);
    } finally {
      await engine.close();
    }
  });
});
