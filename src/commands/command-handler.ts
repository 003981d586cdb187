import { AppError } from '../errors.js';
import { derivedEventId, newEventId } from '../events/event-ids.js';
import type { Clock, DomainEvent, EventMetadata, IdGenerator } from '../events/envelope.js';
import { currentSchemaVersion } from '../events/upcasters.js';
import { comparePositions } from '../stores/position.js';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
} from '../stores/event-store.js';
import type { SnapshotStore } from '../stores/snapshot-store.js';
import { AggregateLoader, type LoadedAggregate, type Upcast } from './aggregate-loader.js';
import type { AppendedEvent, CommandContext, CommandResult } from './command-result.js';
import type { Aggregate } from './decider.js';
import { RunOnce } from './run-once.js';
import { KeyedQueue } from './keyed-queue.js';

export interface CommandHandlerDeps {
  readonly eventStore: EventStore;
  readonly snapshots?: SnapshotStore;
  readonly clock: Clock;
  readonly newId?: IdGenerator;
  readonly upcast?: Upcast;
  /** Attempts before a command that keeps meeting concurrent writes gives up. */
  readonly maxAttempts?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly cacheSize?: number;
}

export interface CommandHandler {
  handle<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    streamId: string,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult<E>>;
  /** The aggregate's current state and revision (-1 when its stream is empty). */
  load<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    streamId: string,
  ): Promise<{ readonly state: S; readonly revision: number }>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Decides against what this process last saw of the stream, then appends
 * expecting that revision. The cache is a guess and the append's expected
 * revision is the check: a guess is the cached state or, for an aggregate
 * without snapshots that is not cached, a stream that does not exist yet, so
 * warm and new streams are not read at all. Anything but a successful append
 * on a guess (a conflict, a rejection, no events, an If-Match mismatch) is
 * decided again on a fresh read, and only that outcome is returned; conflicts
 * there are retried with jittered backoff, a bounded number of times. The
 * read goes on from the cached revision: the log only grows, so the state at
 * that revision stays right. Keyed commands always read (see below).
 */
export function createCommandHandler(deps: CommandHandlerDeps): CommandHandler {
  const newId = deps.newId ?? newEventId;
  const maxAttempts = deps.maxAttempts ?? 10;
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? defaultSleep;
  const loader = new AggregateLoader(deps.eventStore, deps.snapshots, deps.upcast, deps.cacheSize);
  const queue = new KeyedQueue();
  const once = new RunOnce(deps.eventStore, newId);

  async function decideAndAppend<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    streamId: string,
    command: C,
    context: CommandContext,
    eventIdFor: (index: number) => string,
  ): Promise<CommandResult<E>> {
    const decide = (loaded: LoadedAggregate<S>): readonly E[] => {
      if (context.expectedRevision !== undefined && context.expectedRevision !== loaded.revision) {
        throw new AppError(
          'PRECONDITION_FAILED',
          `${streamId} is at revision ${loaded.revision}, not ${context.expectedRevision}`,
          { revision: loaded.revision },
        );
      }
      return aggregate.decider.decide(command, loaded.state);
    };
    /** Undefined when the stream is no longer at `loaded.revision`. */
    const append = async (
      loaded: LoadedAggregate<S>,
      decided: readonly E[],
    ): Promise<CommandResult<E> | undefined> => {
      const events = withMetadata(aggregate, decided, loaded.revision, context, eventIdFor);
      let appended: AppendResult;
      try {
        appended = await deps.eventStore.appendToStream(streamId, events.map(toAppend), {
          expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
        });
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) return undefined;
        throw error;
      }
      if (appended.nextRevision !== loaded.revision + events.length) {
        // The store already held these event ids: report what it stored.
        loader.forget(streamId);
        return storedRun(streamId, appended.nextRevision - events.length + 1, eventIdFor);
      }
      loader.remember(aggregate, streamId, advance(aggregate, loaded, events));
      return { events, nextRevision: appended.nextRevision, position: appended.position };
    };

    // A keyed command's event ids may already be stored by an earlier run;
    // only an append at a revision that was read tells that run from a new one.
    const guess = context.idempotencyKey ? undefined : loader.guess(aggregate, streamId);
    if (guess) {
      const decided = decidedOrUndefined(() => decide(guess));
      const appended = decided?.length ? await append(guess, decided) : undefined;
      if (appended) return appended;
    }
    for (let attempt = 1; ; attempt++) {
      const loaded = await loader.load(aggregate, streamId);
      const decided = decide(loaded);
      if (decided.length === 0) {
        return { events: [], nextRevision: loaded.revision, position: undefined };
      }
      const appended = await append(loaded, decided);
      if (appended) return appended;
      if (attempt >= maxAttempts) {
        throw new AppError(
          'CONCURRENCY_CONFLICT',
          `${streamId} kept changing; the command was not applied after ${attempt} attempts`,
        );
      }
      await sleep(random() * Math.min(100, 2 ** attempt));
    }
  }

  function withMetadata<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    decided: readonly E[],
    revision: number,
    context: CommandContext,
    eventIdFor: (index: number) => string,
  ): AppendedEvent<E>[] {
    const occurredAt = deps.clock().toISOString();
    const correlationId = context.correlationId ?? newId();
    return decided.map((event, index) => {
      const metadata: EventMetadata = {
        eventId: eventIdFor(index),
        correlationId,
        causationId: context.causationId ?? correlationId,
        actor: context.actor,
        occurredAt,
        schemaVersion:
          aggregate.schemaVersions?.[event.type as E['type']] ?? currentSchemaVersion(event.type),
        ...(context.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}),
      };
      return { ...event, revision: revision + 1 + index, metadata };
    });
  }

  /** The events of one earlier append, read back from the store. */
  async function storedRun<E extends DomainEvent>(
    streamId: string,
    fromRevision: number,
    eventIdFor: (index: number) => string,
  ): Promise<CommandResult<E>> {
    const read = await deps.eventStore.readStream(streamId, { fromRevision, limit: 100 });
    const ours = read.filter((e, i) => e.eventId === eventIdFor(i));
    const last = ours[ours.length - 1];
    return {
      events: ours.map((e) => ({
        type: e.type,
        data: e.data,
        revision: e.revision,
        metadata: e.metadata as unknown as EventMetadata,
      })) as unknown as AppendedEvent<E>[],
      nextRevision: last?.revision ?? fromRevision - 1,
      position: last?.position,
    };
  }

  async function findEarlierRun<E extends DomainEvent>(
    streamId: string,
    eventIdFor: (index: number) => string,
    claimPosition: string,
  ): Promise<CommandResult<E> | undefined> {
    const first = eventIdFor(0);
    let from: number | undefined;
    for (;;) {
      const page = await deps.eventStore.readStream(streamId, {
        direction: 'backwards',
        limit: 100,
        ...(from === undefined ? {} : { fromRevision: from }),
      });
      const start = page.find((e) => e.eventId === first);
      if (start) return storedRun(streamId, start.revision, eventIdFor);
      const oldest = page[page.length - 1];
      if (
        !oldest ||
        oldest.revision === 0 ||
        comparePositions(oldest.position, claimPosition) <= 0
      ) {
        return undefined;
      }
      from = oldest.revision - 1;
    }
  }

  return {
    async load(aggregate, streamId) {
      const loaded = await loader.load(aggregate, streamId);
      loader.remember(aggregate, streamId, loaded);
      return { state: loaded.state, revision: loaded.revision };
    },
    handle<S, C, E extends DomainEvent>(
      aggregate: Aggregate<S, C, E>,
      streamId: string,
      command: C,
      context: CommandContext,
    ): Promise<CommandResult<E>> {
      const run = (eventIdFor: (index: number) => string) =>
        queue.run(streamId, () =>
          decideAndAppend(aggregate, streamId, command, context, eventIdFor),
        );
      const key = context.idempotencyKey;
      if (!key) return run(() => newId());
      const payload = context.idempotencyPayload ?? { streamId, command };
      return once.run(key, payload, async ({ seed, claimPosition }) => {
        const eventIdFor = (index: number) => derivedEventId(seed, index);
        return (
          (await findEarlierRun<typeof command & never>(streamId, eventIdFor, claimPosition)) ??
          (await run(eventIdFor))
        );
      });
    },
  };
}

function advance<S, C, E extends DomainEvent>(
  aggregate: Aggregate<S, C, E>,
  loaded: LoadedAggregate<S>,
  events: readonly AppendedEvent<E>[],
): LoadedAggregate<S> {
  let state = loaded.state;
  for (const event of events) state = aggregate.decider.evolve(state, event);
  return {
    state,
    revision: loaded.revision + events.length,
    sinceSnapshot: loaded.sinceSnapshot + events.length,
  };
}

/** A rejection on a guessed state only means: decide again on a fresh read. */
function decidedOrUndefined<E>(decide: () => readonly E[]): readonly E[] | undefined {
  try {
    return decide();
  } catch {
    return undefined;
  }
}

const toAppend = (event: AppendedEvent): EventToAppend => ({
  eventId: event.metadata.eventId,
  type: event.type,
  data: event.data,
  metadata: event.metadata as unknown as Record<string, unknown>,
});
