import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimulatedPaymentGateway } from '../../src/gateways/simulated-payment-gateway.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('simulated payment gateway', () => {
  let dir: string;
  const opened: SimulatedPaymentGateway[] = [];
  const open = () => {
    const gateway = new SimulatedPaymentGateway(dir);
    opened.push(gateway);
    return gateway;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-'));
  });
  afterEach(() => {
    for (const gateway of opened.splice(0)) gateway.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('captures tok_visa once per key, also when another process asks again', async () => {
    const gateway = open();
    const first = await gateway.capture({
      idempotencyKey: 'o1',
      amount: eur(500),
      token: 'tok_visa',
    });
    expect(first).toEqual({ kind: 'captured', gatewayRef: expect.stringMatching(/^ch_/) });
    expect(
      await gateway.capture({ idempotencyKey: 'o1', amount: eur(500), token: 'tok_visa' }),
    ).toEqual(first);
    expect(
      await open().capture({ idempotencyKey: 'o1', amount: eur(500), token: 'tok_visa' }),
    ).toEqual(first);
    expect(gateway.ledger()).toEqual([
      {
        key: 'capture:o1',
        kind: 'captured',
        amount: 500,
        currency: 'EUR',
        ref: first.kind === 'captured' ? first.gatewayRef : '',
      },
    ]);
  });

  it('declines other tokens, and keeps the answer for the key', async () => {
    const gateway = open();
    const declined = { kind: 'declined', reason: 'card_declined' };
    expect(
      await gateway.capture({ idempotencyKey: 'o2', amount: eur(100), token: 'tok_declined' }),
    ).toEqual(declined);
    // The ledger answers for the key: a retry with another card changes nothing.
    expect(
      await gateway.capture({ idempotencyKey: 'o2', amount: eur(100), token: 'tok_visa' }),
    ).toEqual(declined);
    expect(gateway.ledger()).toHaveLength(1);
  });

  it('refunds once per key', async () => {
    const gateway = open();
    const refund = { idempotencyKey: 'o3', captureRef: 'ch_x', amount: eur(300) };
    const first = await gateway.refund(refund);
    expect(first.gatewayRef).toMatch(/^re_/);
    expect(await gateway.refund(refund)).toEqual(first);
    expect(await open().refund(refund)).toEqual(first);
    expect(gateway.ledger().map((row) => row.kind)).toEqual(['refunded']);
  });

  it('never answers tok_timeout until the caller gives up', async () => {
    const gateway = open();
    const abort = new AbortController();
    const pending = gateway.capture(
      { idempotencyKey: 'o4', amount: eur(100), token: 'tok_timeout' },
      abort.signal,
    );
    abort.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');
    expect(gateway.ledger()).toEqual([]);
  });
});
