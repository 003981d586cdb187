import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { startApi, type Api } from '../support/api-harness.js';
import { createProduct, placeOrder, settleOrder } from '../support/order-api.js';

type LogLine = Record<string, unknown> & { msg?: string; correlationId?: string };

/** Log lines written by the engine, as parsed JSON, with a way to wait for one. */
function captureLogs() {
  const lines: LogLine[] = [];
  const waiting: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(text: string) {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const w of waiting.filter((w) => w.match(line))) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(line);
        }
      },
    },
  );
  const next = (match: (line: LogLine) => boolean) =>
    new Promise<LogLine>((resolve) => {
      const seen = lines.find(match);
      if (seen) resolve(seen);
      else waiting.push({ match, resolve });
    });
  return { logger, lines, next };
}

describe('correlated logs', () => {
  let api: Api;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    api = await startApi({ logger: logs.logger });
  });
  afterAll(() => api.stop());

  it("follow one order's request, events and process steps by its correlation id", async () => {
    const customer = await api.customer();
    const productId = await createProduct(api, { stock: 5 });
    const correlationId = `trace-${uuidv7()}`;
    const placed = await placeOrder(
      api,
      customer.token,
      { lines: [{ productId, quantity: 2 }] },
      { 'X-Correlation-Id': correlationId },
    );
    expect(placed.status).toBe(201);
    expect(placed.headers.get('X-Correlation-Id')).toBe(correlationId);
    const orderId = String(placed.body.orderId);
    await settleOrder(api, orderId);
    // Another order alongside, under its own id.
    const other = await placeOrder(api, customer.token, { lines: [{ productId, quantity: 1 }] });
    await settleOrder(api, String(other.body.orderId));
    await logs.next((l) => l.msg === 'request completed' && l.correlationId === correlationId);

    const traced = logs.lines.filter((line) => line.correlationId === correlationId);
    const messages = traced.map((line) => line.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        'request completed',
        'fulfilment: handling event',
        'fulfilment: stock reserved',
        'fulfilment: payment captured',
        'fulfilment: order confirmed',
      ]),
    );
    const request = traced.find((line) => line.msg === 'request completed');
    expect(request).toMatchObject({ req: { method: 'POST', url: '/v1/orders' } });
    const steps = traced.filter((line) => String(line.msg).startsWith('fulfilment:'));
    for (const step of steps) {
      expect(step).toMatchObject({ orderId, process: 'order-fulfilment' });
    }
    expect(traced.some((line) => line.orderId === String(other.body.orderId))).toBe(false);

    // The events the order caused carry the same id: the order's, its stock's and its payment's.
    const caused = [
      ...(await api.engine.eventStore.readStream(`order-${orderId}`)),
      ...(await api.engine.eventStore.readStream(`payment-${orderId}`)),
      ...(await api.engine.eventStore.readStream(`inventory-${productId}`)).filter(
        (e) => (e.data as { reservationId?: string }).reservationId === orderId,
      ),
    ];
    expect(caused.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'OrderPlaced',
        'OrderConfirmed',
        'PaymentCaptured',
        'StockReserved',
        'ReservationCommitted',
      ]),
    );
    for (const event of caused) expect(event.metadata.correlationId).toBe(correlationId);
    const handled = steps
      .filter((line) => line.msg === 'fulfilment: handling event')
      .map((line) => line.eventId);
    expect(handled).toContain(caused[0]?.eventId);
  });

  it("logs a read model's failure to apply an event with that event's correlation id", async () => {
    const correlationId = `trace-${uuidv7()}`;
    const productId = uuidv7();
    // A product whose attributes are not a record: the search read model cannot index it.
    await api.engine.eventStore.appendToStream(`product-${productId}`, [
      {
        eventId: uuidv7(),
        type: 'ProductCreated',
        data: {
          productId,
          sku: `SKU-${productId}`,
          name: 'Broken',
          description: 'Attributes of the wrong shape',
          category: 'tests',
          price: { amount: 100, currency: 'EUR' },
          attributes: null,
        },
        metadata: { correlationId, causationId: correlationId, schemaVersion: 2 },
      },
    ]);
    const line = await logs.next(
      (l) => l.correlationId === correlationId && l.projection === 'search',
    );
    expect(line).toMatchObject({
      level: 40,
      msg: 'read model could not apply an event; retrying, then parking it',
      eventType: 'ProductCreated',
      streamId: `product-${productId}`,
      err: { message: expect.any(String) },
    });
  });
});
