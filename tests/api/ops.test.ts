import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import { orderStream } from '../../src/events/order.js';
import { productStream } from '../../src/events/product.js';
import { DEAD_LETTERS } from '../../src/projections/dead-letters.js';
import type { ApiResponse } from '../support/api-harness.js';
import { settle, startShop, type Shop } from '../ops/ops-fixture.js';

let shop: Shop;
let ops: string;
beforeAll(async () => {
  shop = await startShop();
  ops = shop.admin;
});
afterAll(async () => {
  await shop.api.stop();
});

type Body = Record<string, unknown>;
const get = (url: string, token = ops) => shop.api.request('GET', url, { token });
const post = (url: string, body?: unknown, token = ops) =>
  shop.api.request('POST', url, { token, ...(body === undefined ? {} : { body }) });
const errorPaths = (res: ApiResponse) =>
  ((res.body.errors ?? []) as { path: string }[]).map((e) => e.path);

async function finished(res: ApiResponse): Promise<Body> {
  expect(res.status).toBe(202);
  const jobId = String(res.body.jobId);
  await shop.api.engine.jobs.settled(jobId);
  const job = await get(`/v1/ops/jobs/${jobId}`);
  expect(job.status).toBe(200);
  return job.body;
}

describe('ops routes', () => {
  it('are for the ops role only', async () => {
    const customer = await shop.api.customer();
    const routes: [string, string][] = [
      ['GET', '/v1/ops/streams'],
      ['GET', `/v1/ops/streams/${productStream(shop.products[0]!)}`],
      ['GET', `/v1/ops/streams/${productStream(shop.products[0]!)}/state?revision=0`],
      ['GET', '/v1/ops/projections'],
      ['POST', '/v1/ops/projections/catalog/rebuild'],
      ['GET', '/v1/ops/jobs/x'],
      ['GET', '/v1/ops/dead-letters'],
      ['POST', '/v1/ops/dead-letters/x/retry'],
      ['POST', '/v1/ops/dead-letters/x/skip'],
    ];
    for (const [method, url] of routes) {
      const anonymous = await shop.api.request(method, url);
      expect([url, anonymous.status, anonymous.body.code]).toEqual([url, 401, 'UNAUTHENTICATED']);
      expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
      const forbidden = await shop.api.request(method, url, { token: customer.token });
      expect([url, forbidden.status, forbidden.body.code]).toEqual([url, 403, 'FORBIDDEN']);
    }
  });

  it('lists streams by prefix, page by page', async () => {
    const first = await get('/v1/ops/streams?prefix=product-&limit=2');
    expect(first.status).toBe(200);
    const items = first.body.items as { streamId: string; revision: number }[];
    expect(items).toHaveLength(2);
    expect(items.every((s) => s.streamId.startsWith('product-') && s.revision >= 0)).toBe(true);
    const second = await get(
      `/v1/ops/streams?prefix=product-&limit=2&cursor=${String(first.body.nextCursor)}`,
    );
    expect(second.body.nextCursor).toBeNull();
    const all = [...items, ...(second.body.items as typeof items)].map((s) => s.streamId).sort();
    expect(all).toEqual(shop.products.map(productStream).sort());

    const bad = await get('/v1/ops/streams?limit=0&extra=1');
    expect(bad.status).toBe(400);
    expect(errorPaths(bad).sort()).toEqual(['query.extra', 'query.limit']);
  });

  it('shows a stream’s events with metadata, revision and position', async () => {
    const streamId = orderStream(String(shop.orders[0]!.orderId));
    const page = await get(`/v1/ops/streams/${streamId}?limit=1`);
    expect(page.status).toBe(200);
    const [placed] = page.body.items as Body[];
    expect(placed).toMatchObject({ streamId, revision: 0, type: 'OrderPlaced' });
    expect(placed?.metadata).toMatchObject({ occurredAt: expect.any(String) });
    expect(typeof placed?.position).toBe('string');
    expect(page.body.nextCursor).toBe('1');
    const rest = await get(`/v1/ops/streams/${streamId}?cursor=1&limit=100`);
    expect((rest.body.items as Body[])[0]).toMatchObject({ revision: 1 });
    expect(rest.body.nextCursor).toBeNull();

    expect((await get('/v1/ops/streams/order-unknown')).status).toBe(404);
    const bad = await get(`/v1/ops/streams/${streamId}?fromRevision=-1`);
    expect([bad.status, errorPaths(bad)]).toEqual([400, ['query.fromRevision']]);
  });

  it('shows an aggregate’s state at a revision and at a time', async () => {
    const productId = shop.products[2]!;
    for (const amount of [2000, 3000]) {
      const res = await post(`/v1/products/${productId}/price`, {
        price: { amount, currency: 'EUR' },
      });
      expect(res.status).toBe(200);
    }
    const streamId = productStream(productId);
    const url = `/v1/ops/streams/${streamId}/state`;
    const price = (res: ApiResponse) => (res.body.state as { price?: { amount: number } }).price;

    const created = await get(`${url}?revision=0`);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ streamId, aggregate: 'product', revision: 0 });
    expect(created.body.state).toMatchObject({ status: 'active', name: 'Mug' });
    expect(price(created)).toEqual({ amount: 1500, currency: 'EUR' });
    expect(price(await get(`${url}?revision=2`))?.amount).toBe(3000);

    const events = (await get(`/v1/ops/streams/${streamId}`)).body.items as Body[];
    const at = (i: number) => String((events[i]?.metadata as Body).occurredAt);
    const atFirstChange = await get(`${url}?at=${encodeURIComponent(at(1))}`);
    // Events of the same millisecond are all in by then.
    const last = events.filter((e) => String((e.metadata as Body).occurredAt) <= at(1)).length - 1;
    expect([atFirstChange.body.revision, price(atFirstChange)?.amount]).toEqual([
      last,
      last === 1 ? 2000 : 3000,
    ]);
    const before = new Date(Date.parse(at(0)) - 1000).toISOString();
    const beforeAll = await get(`${url}?at=${encodeURIComponent(before)}`);
    expect(beforeAll.body).toMatchObject({ revision: -1, state: { status: 'absent' } });

    for (const [query, path] of [
      ['', 'query.revision'],
      ['?revision=0&at=2026-01-01T00:00:00Z', 'query.revision'],
      ['?revision=9', 'query.revision'],
      ['?at=yesterday', 'query.at'],
      ['?revision=x', 'query.revision'],
    ] as const) {
      const res = await get(`${url}${query}`);
      expect([query, res.status, errorPaths(res)]).toEqual([query, 400, [path]]);
    }
    expect((await get('/v1/ops/streams/product-unknown/state?revision=0')).status).toBe(404);
    expect((await get('/v1/ops/streams/nocategory-1/state?revision=0')).status).toBe(404);
  });

  it('lists the read models with position, lag, status and dead letters', async () => {
    await settle(shop.api);
    const res = await get('/v1/ops/projections');
    expect(res.status).toBe(200);
    const list = res.body as unknown as Body[];
    expect(list.map((p) => p.name).sort()).toEqual(
      ['catalog', 'orders', 'recommendations', 'sales', 'search'].sort(),
    );
    for (const p of list) {
      expect(p).toMatchObject({
        position: expect.any(String),
        lagEvents: expect.any(Number),
        status: expect.any(String),
        deadLetters: 0,
      });
    }
  });

  it('rebuilds, verifies and replays as jobs', async () => {
    const rebuild = await finished(await post('/v1/ops/projections/catalog/rebuild'));
    expect(rebuild).toMatchObject({ status: 'succeeded', kind: 'rebuild:catalog' });
    expect(rebuild.processed).toBeGreaterThan(0);
    expect(rebuild.total).toBeGreaterThanOrEqual(Number(rebuild.processed));
    expect(rebuild.eventsPerSecond).toEqual(expect.any(Number));

    const verify = await finished(await post('/v1/ops/projections/orders/verify'));
    expect(verify).toMatchObject({ status: 'succeeded', result: { differences: [] } });

    const streamId = productStream(shop.products[0]!);
    const replay = await finished(await post('/v1/ops/projections/catalog/replay', { streamId }));
    expect(replay).toMatchObject({ status: 'succeeded', result: { streamId, documents: 1 } });

    expect((await post('/v1/ops/projections/nope/rebuild')).status).toBe(404);
    const noStream = await post('/v1/ops/projections/catalog/replay', { streamId: 'product-x' });
    expect(noStream.status).toBe(404);
    const noBody = await post('/v1/ops/projections/catalog/replay', {});
    expect([noBody.status, errorPaths(noBody)]).toEqual([400, ['body.streamId']]);
    expect((await get('/v1/ops/jobs/unknown-job')).status).toBe(404);
  });

  it('answers 409 while a rebuild of the same read model runs', async () => {
    const { readStore } = shop.api.engine;
    await readStore.acquireLease('rebuild:search', 'elsewhere', 60_000);
    try {
      const res = await post('/v1/ops/projections/search/rebuild');
      expect([res.status, res.body.code]).toEqual([409, 'REBUILD_RUNNING']);
    } finally {
      await readStore.releaseLease('rebuild:search', 'elsewhere');
    }
  });

  it('lists, retries and skips dead letters', async () => {
    const { engine } = shop.api;
    const orderId = String(shop.orders[0]!.orderId);
    // A refund in another currency than the sale: the sales read model cannot apply it.
    const appended = await engine.eventStore.appendToStream(`payment-${uuidv7()}`, [
      {
        eventId: uuidv7(),
        type: 'PaymentRefunded',
        data: { orderId, paymentId: uuidv7(), amount: { amount: 100, currency: 'USD' } },
        metadata: { occurredAt: new Date().toISOString(), schemaVersion: 1 },
      },
    ]);
    await engine.readModels.waitFor('sales', appended.position, 20_000);

    const list = await get('/v1/ops/dead-letters?projection=sales');
    expect(list.status).toBe(200);
    const [letter] = list.body.items as Body[];
    expect(letter).toMatchObject({
      projection: 'sales',
      position: appended.position,
      type: 'PaymentRefunded',
      error: expect.stringContaining('USD'),
      event: { type: 'PaymentRefunded', data: { orderId } },
    });
    const id = encodeURIComponent(String(letter?.id));
    const status = (await get('/v1/ops/projections')).body as unknown as Body[];
    expect(status.find((p) => p.name === 'sales')?.deadLetters).toBe(1);

    const retried = await post(`/v1/ops/dead-letters/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ retried: false, error: expect.stringContaining('USD') });

    expect((await post(`/v1/ops/dead-letters/${id}/skip`)).status).toBe(204);
    expect((await get('/v1/ops/dead-letters')).body.items).toEqual([]);
    expect((await post(`/v1/ops/dead-letters/${id}/retry`)).status).toBe(404);
    expect((await post(`/v1/ops/dead-letters/${id}/skip`)).status).toBe(404);
    expect((await get('/v1/ops/dead-letters?projection=nope')).status).toBe(404);
  });

  it('retries a dead letter that applies now', async () => {
    const { engine } = shop.api;
    const orderId = String(shop.orders[1]!.orderId);
    const [placed] = await engine.eventStore.readStream(orderStream(orderId), { limit: 1 });
    const before = await engine.readStore.collection('orders').get(orderId);
    const id = `orders:${placed!.position}`;
    await engine.readStore.commit('tests', undefined, [
      { kind: 'delete', collection: 'orders', id: orderId },
      {
        kind: 'put',
        collection: DEAD_LETTERS,
        doc: {
          _id: id,
          projection: 'orders',
          position: placed!.position,
          streamId: placed!.streamId,
          revision: placed!.revision,
          eventId: placed!.eventId,
          type: placed!.type,
          error: 'Error: the store was down',
          attempts: 5,
          parkedAt: new Date().toISOString(),
        },
      },
    ]);
    const retried = await post(`/v1/ops/dead-letters/${encodeURIComponent(id)}/retry`);
    expect([retried.status, retried.body]).toEqual([200, { id, retried: true }]);
    const restored = await engine.readStore.collection('orders').get(orderId);
    expect(restored).toMatchObject({ _id: orderId, placedAt: before?.placedAt });
    expect((await get('/v1/ops/dead-letters?projection=orders')).body.items).toEqual([]);
  });

  it('publishes the ops routes in the OpenAPI document', async () => {
    const doc = await shop.api.request('GET', '/v1/openapi.json');
    const paths = Object.keys(doc.body.paths as Body);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/ops/streams',
        '/v1/ops/streams/{streamId}',
        '/v1/ops/streams/{streamId}/state',
        '/v1/ops/projections',
        '/v1/ops/projections/{name}/rebuild',
        '/v1/ops/projections/{name}/replay',
        '/v1/ops/jobs/{jobId}',
        '/v1/ops/dead-letters',
        '/v1/ops/dead-letters/{id}/retry',
        '/v1/ops/dead-letters/{id}/skip',
      ]),
    );
  });
});
