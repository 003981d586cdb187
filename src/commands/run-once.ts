import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../errors.js';
import type { IdGenerator } from '../events/envelope.js';
import { WrongExpectedRevisionError, type EventStore } from '../stores/event-store.js';

export type Outcome<T> =
  | { readonly kind: 'succeeded'; readonly value: T }
  | { readonly kind: 'rejected'; readonly error: ReturnType<AppError['toJSON']> };

export interface OnceContext {
  /** A UUID v7 fixed at the first attempt: ids derived from it are stable across retries. */
  readonly seed: string;
  /** Position of the claim; anything the work wrote comes after it. */
  readonly claimPosition: string;
}

/** Failures that say nothing about the request itself: they are not remembered. */
const TRANSIENT = new Set(['CONCURRENCY_CONFLICT']);

export const CLAIMED = 'IdempotencyKeyClaimed';
export const COMPLETED = 'IdempotentWorkCompleted';

export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Does a piece of work once per key, across restarts and processes. The key's
 * own stream (`idempotency-<hash>`) records a claim (request hash and a seed)
 * and then the outcome. Concurrent repeats in this process wait for the first;
 * a repeat that finds a claim without an outcome (the first died, or runs in
 * another process) does the work again with the same seed, which the work
 * must make harmless (stable ids, idempotent steps). A repeat with another
 * payload is refused.
 */
export class RunOnce {
  private readonly running = new Map<
    string,
    { hash: string; outcome: Promise<Outcome<unknown>> }
  >();

  constructor(
    private readonly eventStore: EventStore,
    private readonly newId: IdGenerator,
  ) {}

  async run<T>(
    key: string,
    payload: unknown,
    work: (context: OnceContext) => Promise<T>,
  ): Promise<T> {
    const hash = requestHash(payload);
    let entry = this.running.get(key);
    if (!entry) {
      const started = { hash, outcome: this.once(key, hash, work) };
      entry = started;
      this.running.set(key, started);
      void started.outcome
        .finally(() => {
          if (this.running.get(key) === started) this.running.delete(key);
        })
        .catch(() => undefined);
    } else if (entry.hash !== hash) {
      throw keyReused(key);
    }
    const outcome = (await entry.outcome) as Outcome<T>;
    if (outcome.kind === 'succeeded') return outcome.value;
    throw new AppError(outcome.error.code, outcome.error.message, outcome.error.details);
  }

  private async once<T>(
    key: string,
    hash: string,
    work: (context: OnceContext) => Promise<T>,
  ): Promise<Outcome<T>> {
    const streamId = `idempotency-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
    let [claim, completion] = await this.eventStore.readStream(streamId, { limit: 2 });
    if (!claim) {
      try {
        await this.eventStore.appendToStream(
          streamId,
          [{ eventId: this.newId(), type: CLAIMED, data: { key, hash, seed: this.newId() } }],
          { expectedRevision: 'no_stream' },
        );
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
      [claim, completion] = await this.eventStore.readStream(streamId, { limit: 2 });
    }
    const claimed = claim?.data as { hash: string; seed: string } | undefined;
    if (!claim || !claimed) throw new Error(`Idempotency claim for ${key} is missing`);
    if (claimed.hash !== hash) throw keyReused(key);
    if (completion) return completion.data as Outcome<T>;

    let outcome: Outcome<T>;
    try {
      outcome = {
        kind: 'succeeded',
        value: await work({ seed: claimed.seed, claimPosition: claim.position }),
      };
    } catch (error) {
      if (!isAppError(error) || TRANSIENT.has(error.code)) throw error;
      outcome = { kind: 'rejected', error: error.toJSON() };
    }
    try {
      await this.eventStore.appendToStream(
        streamId,
        [{ eventId: this.newId(), type: COMPLETED, data: outcome }],
        { expectedRevision: 0 },
      );
      return outcome;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const [, recorded] = await this.eventStore.readStream(streamId, { limit: 2 });
      return (recorded?.data as Outcome<T> | undefined) ?? outcome;
    }
  }
}

const keyReused = (key: string) =>
  new AppError(
    'IDEMPOTENCY_KEY_REUSED',
    `Idempotency key ${JSON.stringify(key)} was already used for a different request`,
  );
