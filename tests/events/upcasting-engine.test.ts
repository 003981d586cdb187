import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { productAggregate } from '../../src/commands/product.js';
import type { ProductCreatedV1Data } from '../../src/events/product.js';
import { PassThrough } from 'node:stream';
import { exportLog } from '../../src/ops/log-export.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { startApi, type Api } from '../support/api-harness.js';

const v1: ProductCreatedV1Data = {
  productId: 'legacy-lamp',
  sku: 'LEGACY-1',
  name: 'Legacy lamp',
  description: 'Written before products had attributes',
  category: 'legacy-home',
  price: { amount: 2500, currency: 'EUR' },
};

const metadata = (eventId: string) => ({
  eventId,
  correlationId: 'legacy-import',
  causationId: 'legacy-import',
  actor: 'system:legacy',
  occurredAt: '2024-01-01T00:00:00.000Z',
  schemaVersion: 1,
});

/**
 * A log holding ProductCreated events of schemaVersion 1 (no attributes),
 * appended straight to the store, read by the whole engine.
 */
describe('stored events of an older schema version', () => {
  let dataDir: string;
  let api: Api;
  let admin: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-upcast-'));
    const store = await SqliteEventStore.open({ dataDir });
    await store.appendToStream(
      'product-legacy-lamp',
      [
        {
          eventId: '01890000-0000-7000-8000-000000000001',
          type: 'ProductCreated',
          data: v1,
          metadata: metadata('01890000-0000-7000-8000-000000000001'),
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    await store.close();
    api = await startApi({ env: { DATA_DIR: dataDir } });
    admin = await api.adminToken();
  });
  afterAll(async () => {
    await api.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reach the decider in the current shape', async () => {
    const { state, revision } = await api.engine.handler.load(
      productAggregate,
      'product-legacy-lamp',
    );
    expect(revision).toBe(0);
    expect(state).toMatchObject({ status: 'active', attributes: {} });

    // Already without attributes: asking for none changes nothing.
    const same = await api.request('PATCH', '/v1/products/legacy-lamp', {
      token: admin,
      body: { attributes: {} },
    });
    expect(same.status).toBe(200);
    const repriced = await api.request('POST', '/v1/products/legacy-lamp/price', {
      token: admin,
      body: { price: { amount: 2000, currency: 'EUR' } },
    });
    expect(repriced.status).toBe(200);
    const stored = await api.engine.eventStore.readStream('product-legacy-lamp');
    expect(stored.map((e) => e.type)).toEqual(['ProductCreated', 'PriceChanged']);
    expect(stored[1]?.data).toMatchObject({ previous: { amount: 2500, currency: 'EUR' } });
  });

  it('reach the read models in the current shape', async () => {
    const head = (await api.engine.eventStore.headPosition()) ?? '0';
    const headers = { 'X-Min-Position': head };
    const product = await api.request('GET', '/v1/catalog/legacy-lamp', { headers });
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ productId: 'legacy-lamp', attributes: {} });
    const found = await api.request<{ items: { productId: string }[] }>(
      'GET',
      '/v1/search?q=legacy%20lamp',
      { headers },
    );
    expect(found.status).toBe(200);
    expect(found.body.items.map((i) => i.productId)).toContain('legacy-lamp');
    for (const running of api.engine.readModels.running.values())
      expect(running.status()).toMatchObject({ deadLetters: 0 });
  });

  it('are read with the current version, while new events are written with it', async () => {
    const [legacy] = await api.engine.eventStore.readStream('product-legacy-lamp');
    expect(legacy?.metadata.schemaVersion).toBe(2);
    const created = await api.request<{ productId: string }>('POST', '/v1/products', {
      token: admin,
      body: {
        sku: 'NEW-1',
        name: 'New lamp',
        description: 'Current shape',
        category: 'legacy-home',
        price: { amount: 100, currency: 'EUR' },
      },
    });
    expect(created.status).toBe(201);
    const raw = await SqliteEventStore.open({ dataDir });
    try {
      const [stored] = await raw.readStream(`product-${created.body.productId}`);
      expect(stored?.metadata.schemaVersion).toBe(2);
      const [old] = await raw.readStream('product-legacy-lamp');
      expect(old?.metadata.schemaVersion).toBe(1);
      expect(old?.data).toEqual(v1);
    } finally {
      await raw.close();
    }
  });

  it('are exported as stored, so an import keeps their version', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await exportLog(api.engine.eventStore, output);
    const lines = Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { streamId: string; data: unknown; metadata: unknown });
    const legacy = lines.find((line) => line.streamId === 'product-legacy-lamp');
    expect(legacy?.data).toEqual(v1);
    expect(legacy?.metadata).toMatchObject({ schemaVersion: 1 });
  });
});
