import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ADMIN = { email: 'ops@crash.test', password: 'crash-test-password' };

async function call(
  server: ServerProcess,
  method: string,
  url: string,
  body?: unknown,
  token?: string,
) {
  const response = await fetch(`${server.base}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => undefined)) as Record<string, unknown>,
  };
}

describe('fulfilment crash', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-crash-'));
  });
  afterEach(async () => {
    await server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a server killed between reservation and payment decides the order after restart; stock consistent, charged once', async () => {
    const env = {
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      PAYMENT_TIMEOUT_MS: '120000',
    };
    server = await startServer({ ...env, GATEWAY_LATENCY_MS: '60000' });
    const admin = String((await call(server, 'POST', '/v1/auth/login', ADMIN)).body.accessToken);
    const product = await call(
      server,
      'POST',
      '/v1/products',
      {
        sku: 'CRASH-1',
        name: 'Kettle',
        description: 'Boils',
        category: 'kitchen',
        price: { amount: 2500, currency: 'EUR' },
      },
      admin,
    );
    const productId = String(product.body.productId);
    await call(server, 'POST', `/v1/inventory/${productId}/receive`, { quantity: 5 }, admin);
    await call(server, 'POST', '/v1/auth/register', {
      email: 'buyer@crash.test',
      password: 'buyer-password',
      name: 'B',
    });
    const buyer = String(
      (
        await call(server, 'POST', '/v1/auth/login', {
          email: 'buyer@crash.test',
          password: 'buyer-password',
        })
      ).body.accessToken,
    );
    const placed = await call(
      server,
      'POST',
      '/v1/orders',
      {
        lines: [{ productId, quantity: 2 }],
        shippingAddress: {
          name: 'B',
          line1: '1 Road',
          city: 'Town',
          postalCode: '1000',
          country: 'NL',
        },
        payment: { method: 'card', token: 'tok_visa' },
      },
      buyer,
    );
    expect(placed.status).toBe(202);
    const orderId = String(placed.body.orderId);
    const held = await call(server, 'GET', `/v1/inventory/${productId}`, undefined, admin);
    expect(held.body).toMatchObject({ onHand: 5, reserved: 2, available: 3 });

    await server.kill('SIGKILL');
    server = await startServer({ ...env, GATEWAY_LATENCY_MS: '0' });

    const store = await SqliteEventStore.open({ dataDir });
    try {
      const decision = await firstValueFrom(
        store.subscribeToAll({ filter: { eventTypes: ['OrderConfirmed', 'OrderRejected'] } }).pipe(
          filter((e) => e.streamId === `order-${orderId}`),
          timeout(30_000),
        ),
      );
      expect(decision.type).toBe('OrderConfirmed');
    } finally {
      await store.close();
    }
    const after = await call(server, 'GET', `/v1/inventory/${productId}`, undefined, admin);
    expect(after.body).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    const order = await call(server, 'GET', `/v1/orders/${orderId}`, undefined, buyer);
    expect(order.body).toMatchObject({ status: 'confirmed' });

    expect(await server.kill('SIGTERM')).toBe(0);
    server = undefined;
    const ledger = new Database(path.join(dataDir, 'payment-gateway.sqlite'), { readonly: true });
    const charges = ledger.prepare("SELECT key, amount FROM ledger WHERE kind = 'captured'").all();
    ledger.close();
    expect(charges).toEqual([{ key: `capture:${orderId}`, amount: 5000 }]);
  });
});
