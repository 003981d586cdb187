import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { EventStore, Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { Doc, IndexSpec, ReadStore } from '../stores/read-store.js';
import { applyBatch } from './batch-applier.js';
import type { Projection } from './projection.js';

/** Poison events parked by every projection. */
export const DEAD_LETTERS = '_dead_letters';
/** Dead letters an operator chose to skip, kept for the record. */
export const SKIPPED_DEAD_LETTERS = '_dead_letters_skipped';

export const deadLetterIndexes: readonly IndexSpec[] = [
  { name: 'by_projection', keys: { projection: 1 } },
];

export interface DeadLetter extends Doc {
  /** `${projection}:${position}` */
  readonly _id: string;
  readonly projection: string;
  readonly position: Position;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly error: string;
  readonly attempts: number;
  /** ISO 8601 */
  readonly parkedAt: string;
}

export interface SkippedDeadLetter extends DeadLetter {
  readonly skippedAt: string;
}

/** The lease that lets one runner at a time apply a projection. */
export const projectionLease = (projection: string): string => `projection:${projection}`;

export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export function deadLetterFor(
  projection: string,
  event: RecordedEvent,
  attempts: number,
  error: unknown,
  now: number,
): DeadLetter {
  return {
    _id: `${projection}:${event.position}`,
    projection,
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    error: describeError(error),
    attempts,
    parkedAt: new Date(now).toISOString(),
  };
}

/** Parked events, of one projection or of all, in projection then log order. */
export async function listDeadLetters(
  readStore: ReadStore,
  projection?: string,
): Promise<DeadLetter[]> {
  const letters = await readStore
    .collection<DeadLetter>(DEAD_LETTERS)
    .find(projection === undefined ? {} : { projection });
  return letters.sort(
    (a, b) => a.projection.localeCompare(b.projection) || comparePositions(a.position, b.position),
  );
}

export const countDeadLetters = (readStore: ReadStore, projection: string): Promise<number> =>
  readStore.collection(DEAD_LETTERS).count({ projection });

async function deadLetter(readStore: ReadStore, id: string): Promise<DeadLetter> {
  const letter = await readStore.collection<DeadLetter>(DEAD_LETTERS).get(id);
  if (!letter) throw new AppError('DEAD_LETTER_NOT_FOUND', `No dead letter ${id}`, { id });
  return letter;
}

async function parkedEvent(eventStore: EventStore, letter: DeadLetter): Promise<RecordedEvent> {
  const [event] = await eventStore.readStream(letter.streamId, {
    fromRevision: letter.revision,
    limit: 1,
  });
  if (event?.eventId !== letter.eventId)
    throw new AppError('EVENT_NOT_FOUND', `Event ${letter.eventId} is not in the log`, {
      id: letter._id,
    });
  return event;
}

export interface DeadLetterContext {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly projection: Projection;
  /** The runner's name (checkpoint, lease, dead letters); defaults to the projection's. */
  readonly name?: string;
  readonly collectionName?: (local: string) => string;
  readonly clock?: () => number;
}

export type RetryOutcome =
  { readonly retried: true } | { readonly retried: false; readonly error: string };

/**
 * Applies a parked event now and, if it applies, removes its dead letter in
 * the same commit; if it throws again, records the attempt. The event lands
 * after any later events already applied to the same documents. The caller
 * must be the only one applying the projection (hold its lease).
 */
export async function reapplyDeadLetter(ctx: DeadLetterContext, id: string): Promise<RetryOutcome> {
  const name = ctx.name ?? ctx.projection.name;
  const letter = await deadLetter(ctx.readStore, id);
  if (letter.projection !== name)
    throw new AppError('DEAD_LETTER_NOT_FOUND', `Dead letter ${id} is not ${name}'s`, { id });
  const event = await parkedEvent(ctx.eventStore, letter);
  const collectionName = ctx.collectionName ?? ((local: string) => local);
  const outcome = await applyBatch(
    ctx.projection,
    [event],
    (collection, ids) => ctx.readStore.collection(collectionName(collection)).getMany(ids),
    { collectionName, force: true },
  );
  if (outcome.failure) {
    const error = describeError(outcome.failure.error);
    await ctx.readStore.commit(name, undefined, [
      {
        kind: 'put',
        collection: DEAD_LETTERS,
        doc: { ...letter, error, attempts: letter.attempts + 1 },
      },
    ]);
    return { retried: false, error };
  }
  await ctx.readStore.commit(name, undefined, [
    ...outcome.writes,
    { kind: 'delete', collection: DEAD_LETTERS, id },
  ]);
  return { retried: true };
}

/**
 * Retries a dead letter from outside a runner (operator tools). Takes the
 * projection's lease for the duration, so it refuses (PROJECTION_BUSY) while a
 * runner applies the projection: retry through that runner instead.
 */
export async function retryDeadLetter(
  ctx: DeadLetterContext & { readonly leaseTtlMs?: number },
  id: string,
): Promise<RetryOutcome> {
  const lease = projectionLease(ctx.name ?? ctx.projection.name);
  const holder = `dead-letter-retry:${randomUUID()}`;
  if (!(await ctx.readStore.acquireLease(lease, holder, ctx.leaseTtlMs ?? 30_000)))
    throw new AppError('PROJECTION_BUSY', `${lease} is held by a running projection`, { id });
  try {
    return await reapplyDeadLetter(ctx, id);
  } finally {
    await ctx.readStore.releaseLease(lease, holder);
  }
}

/** Drops a dead letter without applying it, keeping a record in SKIPPED_DEAD_LETTERS. */
export async function skipDeadLetter(
  readStore: ReadStore,
  id: string,
  clock: () => number = Date.now,
): Promise<void> {
  const letter = await deadLetter(readStore, id);
  const skipped: SkippedDeadLetter = { ...letter, skippedAt: new Date(clock()).toISOString() };
  await readStore.commit(letter.projection, undefined, [
    { kind: 'delete', collection: DEAD_LETTERS, id },
    { kind: 'put', collection: SKIPPED_DEAD_LETTERS, doc: skipped },
  ]);
}
