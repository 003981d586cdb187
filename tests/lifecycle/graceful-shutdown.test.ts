import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import { comparePositions } from '../../src/stores/position.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = { email: 'admin@shutdown.test', password: 'admin-password-1' };
const ORDERS = 4;
const RECEIPTS = 10;

type Body = Record<string, unknown>;

/** The server's log lines as they arrive, with a way to wait for a number of matching ones. */
function watchLog(server: ServerProcess) {
  const lines: Body[] = [];
  let partial = '';
  const waiters: { test: (l: Body) => boolean; count: number; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (lines.filter(w.test).length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  server.child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as Body);
    check();
  });
  return (test: (l: Body) => boolean, count = 1) =>
    new Promise<void>((resolve) => {
      waiters.push({ test, count, resolve });
      check();
    });
}

describe('graceful shutdown on SIGTERM', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-shutdown-'));
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the requests in flight, keeps every acknowledged effect and exits 0', async () => {
    server = await startServer({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // Orders sit in payment capture for a second: in flight when the signal comes.
      GATEWAY_LATENCY_MS: '1000',
    });
    const waitForLog = watchLog(server);
    const base = server.base;
    const call = async (method: string, url: string, body?: unknown, token?: string) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Body };
    };
    const login = async (email: string, password: string) =>
      String((await call('POST', '/v1/auth/login', { email, password })).body.accessToken);

    const admin = await login(ADMIN.email, ADMIN.password);
    await call('POST', '/v1/auth/register', {
      email: 'buyer@shutdown.test',
      password: 'password-123',
      name: 'Buyer',
    });
    const buyer = await login('buyer@shutdown.test', 'password-123');
    const created = await call(
      'POST',
      '/v1/products',
      {
        sku: 'SHUT-1',
        name: 'Lamp',
        description: 'A lamp',
        category: 'home',
        price: { amount: 1000, currency: 'EUR' },
      },
      admin,
    );
    const productId = String(created.body.productId);
    const stocked = await call(
      'POST',
      `/v1/inventory/${productId}/receive`,
      { quantity: 50 },
      admin,
    );
    expect(stocked.status).toBe(200);

    const orderBody = {
      lines: [{ productId, quantity: 1 }],
      shippingAddress: { name: 'B', line1: '1 Road', city: 'Town', postalCode: '1', country: 'GB' },
      payment: { method: 'card', token: 'tok_visa' },
    };
    const orders = Promise.allSettled(
      Array.from({ length: ORDERS }, () => call('POST', '/v1/orders', orderBody, buyer)),
    );
    await waitForLog((l) => l.msg === 'fulfilment: stock reserved', ORDERS);
    // Sent as the signal goes: some are answered, some refused, none half done.
    const sent = Array.from({ length: RECEIPTS }, () =>
      call('POST', `/v1/inventory/${productId}/receive`, { quantity: 1 }, admin),
    );
    const receipts = Promise.allSettled(sent);
    await Promise.race(sent);

    const exited = server.kill('SIGTERM');
    await waitForLog((l) => l.msg === 'shutting down');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    const orderResults = await orders;
    const receiptResults = await receipts;
    expect(await exited).toBe(0);
    server = undefined;

    // Every order was in flight: each is answered, with its decision.
    const answered = orderResults.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    for (const order of answered) {
      expect(order).toMatchObject({ status: 201, body: { status: 'confirmed' } });
    }
    const ackedReceipts = receiptResults.flatMap((r) =>
      r.status === 'fulfilled' && r.value.status === 200 ? [r.value.body] : [],
    );

    const log = await SqliteEventStore.open({ dataDir });
    const readStore = await EmbeddedReadStore.open({ dataDir });
    try {
      const placedAt: string[] = [];
      for (const order of answered) {
        const events = await log.readStream(`order-${String(order?.body.orderId)}`);
        expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderConfirmed']);
        expect(events[1]?.position).toBe(order?.body.position);
        placedAt.push(events[0]?.position ?? '0');
      }
      const inventory = await log.readStream(`inventory-${productId}`);
      const received = inventory.filter((e) => e.type === 'StockReceived');
      const receivedAt = new Set(received.map((e) => e.position));
      for (const receipt of ackedReceipts)
        expect(receivedAt.has(String(receipt.position))).toBe(true);
      expect(ackedReceipts.length).toBeGreaterThan(0);
      expect(received.length).toBeGreaterThanOrEqual(1 + ackedReceipts.length);
      expect(inventory.filter((e) => e.type === 'ReservationCommitted')).toHaveLength(ORDERS);

      // The fulfilment checkpoint was saved past every order it handled.
      const [checkpoint] = await log.readStream('checkpoint-order-fulfilment', {
        direction: 'backwards',
        limit: 1,
      });
      const saved = String((checkpoint?.data as { position?: string } | undefined)?.position);
      for (const position of placedAt)
        expect(comparePositions(saved, position)).toBeGreaterThanOrEqual(0);

      // Read models committed their checkpoints, never past what the log holds.
      const head = (await log.headPosition()) ?? '0';
      for (const name of ['catalog', 'orders', 'search', 'sales', 'recommendations']) {
        const committed = await readStore.checkpoint(name);
        expect(committed).toBeDefined();
        expect(comparePositions(committed ?? '0', head)).toBeLessThanOrEqual(0);
      }
    } finally {
      await readStore.close();
      await log.close();
    }
  });
});
