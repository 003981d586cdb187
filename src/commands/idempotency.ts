import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../errors.js';
import { derivedEventId } from '../events/event-ids.js';
import type { IdGenerator } from '../events/envelope.js';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type RecordedEvent,
} from '../stores/event-store.js';
import type { CommandResult } from './command-result.js';

type Outcome =
  | { readonly kind: 'succeeded'; readonly result: CommandResult }
  | { readonly kind: 'rejected'; readonly error: ReturnType<AppError['toJSON']> };

export interface IdempotentWork {
  /** Runs the command, naming its i-th event `eventIdFor(i)`. */
  execute(eventIdFor: (index: number) => string): Promise<CommandResult>;
  /** The result of an earlier run whose events were stored after `claimPosition`. */
  findEarlierRun(
    eventIdFor: (index: number) => string,
    claimPosition: string,
  ): Promise<CommandResult | undefined>;
}

/** Failures that say nothing about the command itself: they are not remembered. */
const TRANSIENT = new Set(['CONCURRENCY_CONFLICT']);

export const CLAIMED = 'IdempotencyKeyClaimed';
export const COMPLETED = 'IdempotentCommandCompleted';

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
 * Runs a command once per idempotency key, across restarts and processes.
 * The key's own stream records a claim (request hash and a seed for the
 * command's event ids) and then the outcome. A run that died after appending
 * but before recording is recognised by its derived event ids, so a repeat
 * returns that first result instead of running again.
 */
export class IdempotentCommands {
  private readonly running = new Map<string, { hash: string; outcome: Promise<Outcome> }>();

  constructor(
    private readonly eventStore: EventStore,
    private readonly newId: IdGenerator,
  ) {}

  async run(key: string, payload: unknown, work: IdempotentWork): Promise<CommandResult> {
    const hash = requestHash(payload);
    let entry = this.running.get(key);
    if (!entry) {
      entry = { hash, outcome: this.once(key, hash, work) };
      this.running.set(key, entry);
      const settled = entry;
      void settled.outcome
        .finally(() => {
          if (this.running.get(key) === settled) this.running.delete(key);
        })
        .catch(() => undefined);
    } else if (entry.hash !== hash) {
      throw keyReused(key);
    }
    return replay(await entry.outcome);
  }

  private async once(key: string, hash: string, work: IdempotentWork): Promise<Outcome> {
    const streamId = `idempotency-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
    let [claim, completion] = await this.eventStore.readStream(streamId, { limit: 2 });
    if (!claim) {
      const seed = this.newId();
      try {
        const claimed = await this.eventStore.appendToStream(
          streamId,
          [{ eventId: this.newId(), type: CLAIMED, data: { key, hash, seed }, metadata: {} }],
          { expectedRevision: 'no_stream' },
        );
        claim = claimedEvent(streamId, key, hash, seed, claimed.position);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        [claim, completion] = await this.eventStore.readStream(streamId, { limit: 2 });
      }
    }
    const claimed = claim?.data as { hash: string; seed: string } | undefined;
    if (!claim || !claimed) throw new Error(`Idempotency claim for ${key} is missing`);
    if (claimed.hash !== hash) throw keyReused(key);
    if (completion) return completion.data as Outcome;

    const eventIdFor = (index: number) => derivedEventId(claimed.seed, index);
    let outcome: Outcome;
    try {
      const result =
        (await work.findEarlierRun(eventIdFor, claim.position)) ?? (await work.execute(eventIdFor));
      outcome = { kind: 'succeeded', result };
    } catch (error) {
      if (!isAppError(error) || TRANSIENT.has(error.code)) throw error;
      outcome = { kind: 'rejected', error: error.toJSON() };
    }
    try {
      await this.eventStore.appendToStream(
        streamId,
        [{ eventId: this.newId(), type: COMPLETED, data: outcome, metadata: {} }],
        { expectedRevision: 0 },
      );
      return outcome;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const [, recorded] = await this.eventStore.readStream(streamId, { limit: 2 });
      return (recorded?.data as Outcome | undefined) ?? outcome;
    }
  }
}

function claimedEvent(
  streamId: string,
  key: string,
  hash: string,
  seed: string,
  position: string,
): RecordedEvent {
  return {
    streamId,
    revision: 0,
    position,
    eventId: '',
    type: CLAIMED,
    data: { key, hash, seed },
    metadata: {},
    recordedAt: new Date(0).toISOString(),
  };
}

function replay(outcome: Outcome): CommandResult {
  if (outcome.kind === 'succeeded') return outcome.result;
  throw new AppError(outcome.error.code, outcome.error.message, outcome.error.details);
}

const keyReused = (key: string) =>
  new AppError(
    'IDEMPOTENCY_KEY_REUSED',
    `Idempotency key ${JSON.stringify(key)} was already used for a different request`,
  );
