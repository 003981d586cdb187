import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import { startApi, type Api } from '../support/api-harness.js';

const SEED = {
  seed: 5,
  customers: 8,
  products: 6,
  months: 1,
  orders: 15,
  until: '2026-01-01T00:00:00Z',
};

const seededStreams = (events: readonly RecordedEvent[]) =>
  events
    .filter((e) => /^(product|inventory|order|promotion|review)-/.test(e.streamId))
    .map(({ streamId, revision, eventId, type, data, metadata }) => ({
      streamId,
      revision,
      eventId,
      type,
      data,
      metadata,
    }));

describe('ops data routes: export, import and seed as jobs', () => {
  let api: Api;
  let ops: string;
  let customer: string;

  beforeAll(async () => {
    api = await startApi();
    ops = await api.adminToken();
    customer = (await api.customer()).token;
  });

  afterAll(async () => {
    await api.stop();
  });

  it('is for the ops role only', async () => {
    const calls: [string, string, unknown?][] = [
      ['POST', '/v1/ops/export'],
      ['POST', '/v1/ops/import', { file: 'x.ndjson' }],
      ['POST', '/v1/ops/seed', {}],
      ['GET', `/v1/ops/exports/${uuidv7()}`],
    ];
    for (const [method, url, body] of calls) {
      const anonymous = await api.request(method, url, body === undefined ? {} : { body });
      expect(anonymous.status).toBe(401);
      const forbidden = await api.request(method, url, {
        token: customer,
        ...(body === undefined ? {} : { body }),
      });
      expect(forbidden.status).toBe(403);
      expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('validates the seed options', async () => {
    const zero = await api.request('POST', '/v1/ops/seed', { token: ops, body: { orders: 0 } });
    expect(zero.status).toBe(400);
    const unknown = await api.request('POST', '/v1/ops/seed', {
      token: ops,
      body: { shops: 2 },
    });
    expect(unknown.status).toBe(400);
  });

  it('seeds, exports, downloads and re-imports the log, reporting progress as jobs', async () => {
    const seed = await api.request<{ jobId: string }>('POST', '/v1/ops/seed', {
      token: ops,
      body: SEED,
    });
    expect(seed.status).toBe(202);
    const seeded = await api.engine.jobs.settled(seed.body.jobId);
    expect(seeded).toMatchObject({ kind: 'seed', status: 'succeeded' });
    expect(seeded?.result).toMatchObject({ ordersPlaced: 15, products: 6, customers: 8 });
    const job = await api.request('GET', `/v1/ops/jobs/${seed.body.jobId}`, { token: ops });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ status: 'succeeded' });
    expect(job.body.processed).toBeGreaterThan(0);
    expect(typeof job.body.eventsPerSecond).toBe('number');

    const twice = await api.request('POST', '/v1/ops/seed', { token: ops, body: SEED });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('STORE_HAS_CATALOG');

    const started = await api.request<{ jobId: string }>('POST', '/v1/ops/export', {
      token: ops,
    });
    expect(started.status).toBe(202);
    const { jobId } = started.body;
    const exported = await api.engine.jobs.settled(jobId);
    expect(exported).toMatchObject({ kind: 'export', status: 'succeeded' });
    const events = (exported?.result as { events: number }).events;
    expect(fs.existsSync(path.join(api.dataDir, 'exports', `${jobId}.ndjson`))).toBe(true);

    const download = await fetch(`${api.base}/v1/ops/exports/${jobId}`, {
      headers: { authorization: `Bearer ${ops}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await download.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(events);
    expect(JSON.parse(lines[0]!)).toMatchObject({ revision: 0, position: '1' });

    const unknownExport = await api.request('GET', `/v1/ops/exports/${uuidv7()}`, { token: ops });
    expect(unknownExport.status).toBe(404);
    const badId = await api.request('GET', '/v1/ops/exports/..%2Fsecrets', { token: ops });
    expect(badId.status).toBe(400);

    const file = `${jobId}.ndjson`;
    const notEmpty = await api.request('POST', '/v1/ops/import', { token: ops, body: { file } });
    expect(notEmpty.status).toBe(409);
    expect(notEmpty.body.code).toBe('STORE_NOT_EMPTY');

    // Into another engine whose own staff account differs: every exported event arrives.
    const other = await startApi({
      env: { ADMIN_EMAIL: 'other-admin@test.local', ADMIN_PASSWORD: 'other-password-1' },
    });
    try {
      const otherOps = await other.login('other-admin@test.local', 'other-password-1');
      fs.mkdirSync(path.join(other.dataDir, 'exports'));
      fs.copyFileSync(
        path.join(api.dataDir, 'exports', file),
        path.join(other.dataDir, 'exports', 'shop.ndjson'),
      );
      const imported = await other.request<{ jobId: string }>('POST', '/v1/ops/import', {
        token: otherOps,
        body: { file: 'shop.ndjson', resume: true },
      });
      expect(imported.status).toBe(202);
      const done = await other.engine.jobs.settled(imported.body.jobId);
      expect(done).toMatchObject({ kind: 'import', status: 'succeeded', processed: events });
      const source = await api.engine.eventStore.readAll({ limit: 100_000 });
      const target = await other.engine.eventStore.readAll({ limit: 100_000 });
      expect(seededStreams(target)).toEqual(seededStreams(source));
    } finally {
      await other.stop();
    }
  });

  it('imports only plain file names from the exports directory', async () => {
    for (const file of ['../events.sqlite', 'a/b.ndjson', '.hidden', '/etc/passwd', '..']) {
      const res = await api.request('POST', '/v1/ops/import', { token: ops, body: { file } });
      expect(res.status).toBe(400);
    }
    const missing = await api.request('POST', '/v1/ops/import', {
      token: ops,
      body: { file: 'missing.ndjson' },
    });
    expect(missing.status).toBe(404);
  });
});
