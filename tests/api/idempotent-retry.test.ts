import { COMPLETED } from '../../src/commands/run-once.js';
import { orderStream } from '../../src/events/order.js';
import type { EventStore } from '../../src/stores/event-store.js';
import { startApi, type Api } from '../support/api-harness.js';
import { confirmedOrder, createProduct } from '../support/order-api.js';

/**
 * A keyed request whose server died after its command's events were stored,
 * before any outcome was recorded, is retried later (the clock has moved on):
 * the retry finishes it and answers as the first run would have.
 */
describe('an Idempotency-Key retried after the first run died mid-way', () => {
  let api: Api;
  let now = Date.parse('2026-03-01T10:00:00.000Z');
  beforeAll(async () => {
    api = await startApi({ overrides: { clock: () => new Date(now) } });
  });
  afterAll(() => api.stop());

  /** Makes recording outcomes fail, as a process killed right after its appends would. */
  function dieBeforeOutcomes(store: EventStore): () => void {
    const append = store.appendToStream.bind(store);
    store.appendToStream = async (streamId, events, options) => {
      if (events[0]?.type === COMPLETED) throw new Error('process killed');
      return append(streamId, events, options);
    };
    return () => {
      store.appendToStream = append;
    };
  }

  it('replays the shipment instead of refusing the key as reused', async () => {
    const admin = await api.adminToken();
    const customer = await api.customer();
    const productId = await createProduct(api, { stock: 5 });
    const orderId = await confirmedOrder(api, customer.token, [{ productId, quantity: 1 }]);
    const ship = () =>
      api.request('POST', `/v1/orders/${orderId}/ship`, {
        token: admin,
        body: { carrier: 'DHL', trackingNumber: 'T-1' },
        headers: { 'Idempotency-Key': `ship-${orderId}` },
      });

    const revive = dieBeforeOutcomes(api.engine.eventStore);
    const first = await ship();
    revive();
    expect(first.status).toBe(500);

    now += 60_000;
    const retry = await ship();
    const shipped = (await api.engine.eventStore.readStream(orderStream(orderId))).filter(
      (e) => e.type === 'OrderShipped',
    );
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ orderId, status: 'shipped' });
    expect(shipped).toHaveLength(1);
    expect(retry.body.position).toBe(shipped[0]?.position);
    expect(await ship()).toMatchObject({ status: 200, body: retry.body });
  });
});
