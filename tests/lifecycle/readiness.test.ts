import { jest } from '@jest/globals';
import { startApi, type Api } from '../support/api-harness.js';

describe('health and readiness', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());
  afterEach(() => jest.restoreAllMocks());

  it('is alive, and ready once both stores answer and every read model has started', async () => {
    expect(await api.request('GET', '/healthz')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    const ready = await api.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      eventStore: { reachable: true },
      readStore: { reachable: true },
    });
    expect((ready.body.projections as { name: string }[]).map((p) => p.name).sort()).toEqual([
      'catalog',
      'orders',
      'recommendations',
      'sales',
      'search',
    ]);
  });

  it('is not ready while the read store cannot be reached', async () => {
    jest
      .spyOn(api.engine.readStore, 'checkpoint')
      .mockRejectedValueOnce(new Error('connection refused'));
    const res = await api.request('GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'NOT_READY',
      detail: 'Read store unreachable: connection refused',
    });
    expect((await api.request('GET', '/healthz')).status).toBe(200);
  });

  it('is not ready while the event store cannot be reached', async () => {
    jest.spyOn(api.engine.eventStore, 'headPosition').mockRejectedValueOnce(new Error('no leader'));
    const res = await api.request('GET', '/readyz');
    expect(res).toMatchObject({
      status: 503,
      body: { code: 'NOT_READY', detail: 'Event store unreachable: no leader' },
    });
  });
});
