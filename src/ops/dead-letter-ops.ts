import { AppError } from '../errors.js';
import {
  DEAD_LETTERS,
  listDeadLetters,
  retryDeadLetter,
  skipDeadLetter,
  type DeadLetter,
  type RetryOutcome,
} from '../projections/dead-letters.js';
import type { ReadModels } from '../projections/read-models.js';
import type { EventStore } from '../stores/event-store.js';
import type { ReadStore } from '../stores/read-store.js';
import { projectionNamed } from './read-model-names.js';
import type { InspectedEvent } from './stream-inspection.js';

/** A parked event: why and where it was parked, and the event itself when the log still has it. */
export interface DeadLetterView {
  readonly id: string;
  readonly projection: string;
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: string;
  readonly event: InspectedEvent | null;
}

export interface DeadLetterDeps {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly readModels?: ReadModels | undefined;
  readonly leaseTtlMs: number;
}

export async function deadLetterViews(
  deps: DeadLetterDeps,
  projection?: string,
): Promise<DeadLetterView[]> {
  if (projection !== undefined) projectionNamed(projection);
  const letters = await listDeadLetters(deps.readStore, projection);
  return Promise.all(letters.map((letter) => view(deps.eventStore, letter)));
}

async function view(eventStore: EventStore, letter: DeadLetter): Promise<DeadLetterView> {
  const [event] = await eventStore.readStream(letter.streamId, {
    fromRevision: letter.revision,
    limit: 1,
  });
  const { _id, ...rest } = letter;
  return {
    id: _id,
    projection: rest.projection,
    position: rest.position,
    streamId: rest.streamId,
    revision: rest.revision,
    eventId: rest.eventId,
    type: rest.type,
    error: rest.error,
    attempts: rest.attempts,
    parkedAt: rest.parkedAt,
    event: event?.eventId === letter.eventId ? { ...event } : null,
  };
}

/** Dead letters that do not exist are unknown resources (404), whatever layer found out. */
async function asNotFound<T>(id: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.code === 'DEAD_LETTER_NOT_FOUND')
      throw new AppError('NOT_FOUND', `No dead letter ${id}`, { id });
    throw error;
  }
}

async function letterOf(readStore: ReadStore, id: string): Promise<DeadLetter> {
  const letter = await readStore.collection<DeadLetter>(DEAD_LETTERS).get(id);
  if (!letter) throw new AppError('NOT_FOUND', `No dead letter ${id}`, { id });
  return letter;
}

/**
 * Applies a parked event again: through this process's runner when it
 * applies the read model, else under the projection's lease (PROJECTION_BUSY,
 * 409, while another process applies it).
 */
export async function retryParked(deps: DeadLetterDeps, id: string): Promise<RetryOutcome> {
  const letter = await letterOf(deps.readStore, id);
  const runner = deps.readModels?.running.get(letter.projection);
  if (runner) return asNotFound(id, () => runner.retryDeadLetter(id));
  const projection = projectionNamed(letter.projection);
  return asNotFound(id, () =>
    retryDeadLetter(
      {
        eventStore: deps.eventStore,
        readStore: deps.readStore,
        projection,
        leaseTtlMs: deps.leaseTtlMs,
      },
      id,
    ),
  );
}

/** Gives up on a parked event; it is kept in the skipped dead letters for the record. */
export async function skipParked(deps: DeadLetterDeps, id: string): Promise<void> {
  const letter = await letterOf(deps.readStore, id);
  const runner = deps.readModels?.running.get(letter.projection);
  if (runner) await asNotFound(id, () => runner.skipDeadLetter(id));
  else await asNotFound(id, () => skipDeadLetter(deps.readStore, id));
}
