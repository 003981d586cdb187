import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  type AppendResult as ClientAppendResult,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import { NEVER, Subject, takeUntil, throwError, type Observable } from 'rxjs';
import {
  WrongExpectedRevisionError,
  revisionMatches,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ListStreamsOptions,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamInfo,
  type SubscribeOptions,
} from '../event-store.js';
import type { BackoffOptions } from './backoff.js';
import { connectKurrentDB } from './kurrentdb-connection.js';
import {
  isStreamNotFound,
  isTransientError,
  mapAppendError,
  toActualRevision,
} from './kurrentdb-errors.js';
import { toEventData, toRecordedEvent } from './kurrentdb-events.js';
import { selectsNothing } from './kurrentdb-filters.js';
import { formatPosition } from './kurrentdb-positions.js';
import { readAllEvents } from './kurrentdb-read-all.js';
import { toClientRevision, revisionToNumber, toStreamState } from './kurrentdb-revisions.js';
import { listStreams } from './kurrentdb-stream-listing.js';
import { subscribeToAllOnce } from './kurrentdb-subscription-source.js';
import { resilientSubscription, type SubscriptionDrop } from './resilient-subscription.js';

export interface KurrentDBEventStoreOptions {
  /** How subscriptions wait before re-opening after the server dropped them. */
  readonly subscriptionBackoff?: BackoffOptions;
  /** Told about every dropped subscription before it is re-opened (for logs and metrics). */
  readonly onSubscriptionDrop?: (drop: SubscriptionDrop) => void;
}

/** The event store port on KurrentDB (EventStoreDB) through its gRPC client. */
export class KurrentDBEventStore implements EventStore {
  readonly #client: KurrentDBClient;
  readonly #options: KurrentDBEventStoreOptions;
  readonly #closing = new Subject<void>();
  #closed = false;

  constructor(client: KurrentDBClient, options: KurrentDBEventStoreOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  /** Accepts kurrentdb://, esdb:// and their +discover forms. */
  static connect(
    connectionString: string,
    options?: KurrentDBEventStoreOptions,
  ): KurrentDBEventStore {
    return new KurrentDBEventStore(connectKurrentDB(connectionString), options);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return this.#appendNothing(streamId, expected);
    let result: ClientAppendResult;
    try {
      result = await this.#client.appendToStream(streamId, events.map(toEventData), {
        streamState: toStreamState(expected),
      });
    } catch (error) {
      throw mapAppendError(error, streamId, expected);
    }
    // Only when the connection string sets throwOnAppendFailure=false.
    if (!result.success) {
      throw new WrongExpectedRevisionError(
        streamId,
        expected,
        toActualRevision(result.nextExpectedRevision),
      );
    }
    const nextRevision = revisionToNumber(result.nextExpectedRevision);
    // The server answers with the write's commit position, which is the event's
    // own for a single event but not the last event's for several: read that back.
    const position =
      events.length === 1 && result.position
        ? formatPosition(result.position)
        : await this.#positionOf(streamId, nextRevision, result);
    return { nextRevision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { fromRevision, direction = 'forwards', limit } = options;
    if (limit !== undefined && limit <= 0) return [];
    const events: RecordedEvent[] = [];
    try {
      const read = this.#client.readStream(streamId, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision:
          fromRevision === undefined
            ? direction === 'forwards'
              ? START
              : END
            : toClientRevision(fromRevision),
        maxCount: limit ?? Number.MAX_SAFE_INTEGER,
        resolveLinkTos: false,
      });
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return readAllEvents(this.#client, options);
  }

  listStreams(options: ListStreamsOptions = {}): Promise<StreamInfo[]> {
    return listStreams(this.#client, (streamId) => this.streamRevision(streamId), options);
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', limit: 1 });
    return last?.revision;
  }

  async headPosition(): Promise<Position | undefined> {
    const [newest] = await this.readAll({ direction: 'backwards', limit: 1 });
    return newest?.position;
  }

  subscribeToAll(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    if (this.#closed) return throwError(() => new EventStoreClosedError());
    const { fromPosition, filter } = options;
    const events = selectsNothing(filter)
      ? NEVER
      : resilientSubscription({
          connect: (after, signals) => subscribeToAllOnce(this.#client, after, filter, signals),
          positionOf: (event: RecordedEvent) => event.position,
          ...(fromPosition === undefined ? {} : { fromPosition }),
          isTransient: (error) => !this.#closed && isTransientError(error),
          ...(this.#options.subscriptionBackoff
            ? { backoff: this.#options.subscriptionBackoff }
            : {}),
          ...(this.#options.onSubscriptionDrop ? { onDrop: this.#options.onSubscriptionDrop } : {}),
        });
    return events.pipe(takeUntil(this.#closing));
  }

  /** Completes open subscriptions, then releases the client's connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.next();
    this.#closing.complete();
    await this.#client.dispose();
  }

  /** An empty append writes nothing, but still checks the expected revision. */
  async #appendNothing(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', limit: 1 });
    if (!revisionMatches(expected, last?.revision)) {
      throw new WrongExpectedRevisionError(streamId, expected, last?.revision ?? 'no_stream');
    }
    return { nextRevision: last?.revision ?? -1, position: last?.position ?? '0/0' };
  }

  async #positionOf(
    streamId: string,
    revision: number,
    result: ClientAppendResult,
  ): Promise<Position> {
    const read = this.#client.readStream(streamId, {
      fromRevision: toClientRevision(revision),
      maxCount: 1,
      requiresLeader: true,
    });
    for await (const resolved of read) {
      const event = toRecordedEvent(resolved);
      if (event) return event.position;
    }
    if (result.position) return formatPosition(result.position);
    throw new Error(`Stream ${streamId}: revision ${revision} was appended but cannot be read`);
  }
}

export class EventStoreClosedError extends Error {
  readonly code = 'EVENT_STORE_CLOSED';
  constructor() {
    super('The KurrentDB event store is closed');
    this.name = 'EventStoreClosedError';
  }
}
