import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Money } from '../events/money.js';
import type { CaptureOutcome, PaymentGateway } from '../processes/payment-gateway.js';

interface ChargeRow {
  key: string;
  kind: 'captured' | 'declined' | 'refunded';
  amount: number;
  currency: string;
  ref: string;
}

/**
 * A stand-in card processor that decides by token: `tok_visa` is captured,
 * `tok_declined` is declined, `tok_timeout` never answers. It keeps a durable
 * ledger keyed by idempotency key, as a real processor does, so retries after
 * a crash are answered from the ledger instead of charging again.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  private readonly db: Database.Database;
  private readonly byKey: Database.Statement<[string], ChargeRow>;
  private readonly insert: Database.Statement<[string, string, number, string, string], string>;

  constructor(
    dataDir: string,
    private readonly latencyMs = 0,
  ) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'payment-gateway.sqlite'), { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ledger (
      key TEXT PRIMARY KEY, kind TEXT NOT NULL, amount INTEGER NOT NULL,
      currency TEXT NOT NULL, ref TEXT NOT NULL)`);
    this.byKey = this.db.prepare(
      'SELECT key, kind, amount, currency, ref FROM ledger WHERE key = ?',
    );
    this.insert = this.db
      .prepare<[string, string, number, string, string], string>(
        `INSERT INTO ledger (key, kind, amount, currency, ref) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING RETURNING ref`,
      )
      .pluck();
  }

  async capture(
    request: { idempotencyKey: string; amount: Money; token: string },
    signal?: AbortSignal,
  ): Promise<CaptureOutcome> {
    const key = `capture:${request.idempotencyKey}`;
    if (this.latencyMs > 0) await delay(this.latencyMs, signal);
    const known = this.find(key);
    if (known)
      return known.kind === 'captured'
        ? { kind: 'captured', gatewayRef: known.ref }
        : { kind: 'declined', reason: known.ref };
    switch (request.token) {
      case 'tok_timeout':
        return new Promise((_, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason)),
        );
      case 'tok_visa':
        return {
          kind: 'captured',
          gatewayRef: this.record(key, 'captured', request.amount, `ch_${randomUUID()}`),
        };
      default:
        return {
          kind: 'declined',
          reason: this.record(key, 'declined', request.amount, 'card_declined'),
        };
    }
  }

  async refund(request: { idempotencyKey: string; captureRef: string; amount: Money }) {
    const key = `refund:${request.idempotencyKey}`;
    const known = this.find(key);
    return {
      gatewayRef: known?.ref ?? this.record(key, 'refunded', request.amount, `re_${randomUUID()}`),
    };
  }

  /** Every movement of money, for audits and tests. */
  ledger(): ChargeRow[] {
    return this.db
      .prepare<[], ChargeRow>('SELECT key, kind, amount, currency, ref FROM ledger')
      .all();
  }

  close(): void {
    this.db.close();
  }

  private find(key: string): ChargeRow | undefined {
    return this.byKey.get(key);
  }

  /** Inserts once per key; a concurrent duplicate keeps the first row's reference. */
  private record(key: string, kind: ChargeRow['kind'], amount: Money, ref: string): string {
    return (
      this.insert.get(key, kind, amount.amount, amount.currency, ref) ?? this.find(key)?.ref ?? ref
    );
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
