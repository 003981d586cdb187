import { EventEmitter } from 'node:events';
import {
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type AppendResult,
  type AppendStreamState,
  type AppendToStreamOptions,
  type EventData,
  type KurrentDBClient,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import { firstValueFrom, take, toArray } from 'rxjs';
import { WrongExpectedRevisionError, type RecordedEvent } from '../../../src/stores/event-store.js';
import {
  EventStoreClosedError,
  KurrentDBEventStore,
} from '../../../src/stores/kurrentdb/kurrentdb-event-store.js';

class FakeSubscription extends EventEmitter {
  unsubscribed = false;
  constructor(readonly options: SubscribeToAllOptions) {
    super();
  }
  unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    return Promise.resolve();
  }
  destroy(): this {
    return this;
  }
}

/**
 * Enough of a KurrentDB server to drive the store: expected revisions,
 * idempotent event ids, and the append answer carrying the position of the
 * write's first event, as the server does.
 */
class FakeKurrentDB {
  readonly log: AllStreamRecordedEvent[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  disposed = false;

  readonly client = {
    appendToStream: (stream: string, events: EventData[], options: AppendToStreamOptions = {}) =>
      this.#append(stream, events, options.streamState ?? 'any'),
    readStream: (stream: string, options: ReadStreamOptions = {}) =>
      this.#readStream(stream, options),
    readAll: (options: ReadAllOptions = {}) => this.#readAll(options),
    subscribeToAll: (options: SubscribeToAllOptions) => {
      const subscription = new FakeSubscription(options);
      this.subscriptions.push(subscription);
      return subscription;
    },
    dispose: () => {
      this.disposed = true;
      return Promise.resolve();
    },
  } as unknown as KurrentDBClient;

  record(streamId: string, type: string, data: unknown = {}): AllStreamRecordedEvent {
    const revision = BigInt(this.#stream(streamId).length);
    const at = BigInt((this.log.length + 1) * 100);
    const recorded = {
      streamId,
      id: `00000000-0000-7000-8000-${String(this.log.length).padStart(12, '0')}`,
      isJson: true,
      revision,
      type,
      created: new Date(),
      data,
      metadata: undefined,
      position: { commit: at, prepare: at },
    } as AllStreamRecordedEvent;
    this.log.push(recorded);
    return recorded;
  }

  #stream(streamId: string): AllStreamRecordedEvent[] {
    return this.log.filter((e) => e.streamId === streamId);
  }

  async #append(
    stream: string,
    events: EventData[],
    state: AppendStreamState,
  ): Promise<AppendResult> {
    const existing = this.#stream(stream);
    const current = existing.length ? BigInt(existing.length - 1) : undefined;
    const stored = existing.findIndex((e) => e.id === events[0]?.id);
    if (stored >= 0 && events.every((e, i) => existing[stored + i]?.id === e.id)) {
      const first = existing[stored]!;
      return {
        success: true,
        nextExpectedRevision: BigInt(stored + events.length - 1),
        position: first.position,
      };
    }
    const ok =
      state === 'any' ||
      (state === 'no_stream' && current === undefined) ||
      (state === 'stream_exists' && current !== undefined) ||
      state === current;
    if (!ok) {
      throw new WrongExpectedVersionError(undefined, {
        streamName: stream,
        expected: state,
        current: current ?? 'no_stream',
      });
    }
    const written = events.map((e) => {
      const recorded = this.record(stream, e.type, JSON.parse(JSON.stringify(e.data)));
      Object.assign(recorded, { id: e.id, metadata: e.metadata });
      return recorded;
    });
    return {
      success: true,
      nextExpectedRevision: written[written.length - 1]!.revision,
      position: written[0]!.position,
    };
  }

  async *#readStream(stream: string, options: ReadStreamOptions) {
    let events = this.#stream(stream);
    if (events.length === 0) throw new StreamNotFoundError(undefined, stream);
    const backwards = options.direction === 'backwards';
    if (backwards) events = events.reverse();
    const from = options.fromRevision;
    if (typeof from === 'bigint') {
      events = events.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
    }
    yield* events
      .slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER))
      .map((event) => ({ event }));
  }

  async *#readAll(options: ReadAllOptions) {
    const events = options.direction === 'backwards' ? [...this.log].reverse() : this.log;
    yield* events.map((event) => ({ event }));
  }
}

const id = (n: number) => `0190a5b4-0000-7000-8000-${String(n).padStart(12, '0')}`;
const event = (n: number, type = 'Tested') => ({
  eventId: id(n),
  type,
  data: { n },
  metadata: { correlationId: 'c-1' },
});

function open() {
  const server = new FakeKurrentDB();
  const store = new KurrentDBEventStore(server.client, {
    subscriptionBackoff: { initialDelayMs: 1, maxDelayMs: 2 },
  });
  return { server, store };
}

describe('KurrentDB event store (against a fake client)', () => {
  it('answers an append with the revision and position of its last event', async () => {
    const { store } = open();
    const one = await store.appendToStream('order-1', [event(1)], {
      expectedRevision: 'no_stream',
    });
    const [recorded] = await store.readStream('order-1');
    expect(one).toEqual({ nextRevision: 0, position: recorded?.position });
    const three = await store.appendToStream('order-1', [event(2), event(3), event(4)]);
    const last = (await store.readStream('order-1')).pop();
    expect(three).toEqual({ nextRevision: 3, position: last?.position });
  });

  it('maps conflicts to WrongExpectedRevisionError with the actual revision', async () => {
    const { store } = open();
    await store.appendToStream('order-1', [event(1), event(2)]);
    await expect(
      store.appendToStream('order-1', [event(3)], { expectedRevision: 'no_stream' }),
    ).rejects.toMatchObject({
      constructor: WrongExpectedRevisionError,
      actual: 1,
      expected: 'no_stream',
    });
    await expect(
      store.appendToStream('order-2', [event(4)], { expectedRevision: 'exists' }),
    ).rejects.toMatchObject({ streamId: 'order-2', actual: 'no_stream' });
  });

  it('answers an idempotent re-append like the original write', async () => {
    const { store } = open();
    const batch = [event(1), event(2)];
    const first = await store.appendToStream('order-1', batch, { expectedRevision: 'no_stream' });
    const again = await store.appendToStream('order-1', batch, { expectedRevision: 'no_stream' });
    expect(again).toEqual(first);
    expect(await store.readStream('order-1')).toHaveLength(2);
  });

  it('checks the expected revision of an empty append without writing', async () => {
    const { store, server } = open();
    expect(await store.appendToStream('order-1', [], { expectedRevision: 'no_stream' })).toEqual({
      nextRevision: -1,
      position: '0/0',
    });
    await expect(
      store.appendToStream('order-1', [], { expectedRevision: 'exists' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const written = await store.appendToStream('order-1', [event(1)]);
    expect(await store.appendToStream('order-1', [], { expectedRevision: 0 })).toEqual(written);
    expect(server.log).toHaveLength(1);
  });

  it('reads streams with metadata, and a missing stream as empty', async () => {
    const { store } = open();
    await store.appendToStream('order-1', [event(1), event(2), event(3)]);
    const back = await store.readStream('order-1', { direction: 'backwards', fromRevision: 1 });
    expect(back.map((e) => e.revision)).toEqual([1, 0]);
    expect(back[0]).toMatchObject({
      eventId: id(2),
      data: { n: 2 },
      metadata: { correlationId: 'c-1' },
    });
    expect(await store.readStream('order-9')).toEqual([]);
    expect(await store.readStream('order-1', { limit: 0 })).toEqual([]);
    expect(await store.streamRevision('order-1')).toBe(2);
    expect(await store.streamRevision('order-9')).toBeUndefined();
  });

  it('takes the head position from the newest event that is not a system event', async () => {
    const { store, server } = open();
    expect(await store.headPosition()).toBeUndefined();
    const result = await store.appendToStream('order-1', [event(1)]);
    server.record('$streams', '$>');
    server.record('$stats-0', '$statsCollected');
    expect(await store.headPosition()).toBe(result.position);
  });

  it('re-subscribes after a drop from the last delivered event, without duplicates', async () => {
    const { store, server } = open();
    const events = [1, 2, 3].map((n) => server.record('order-1', 'Tested', { n }));
    const received = firstValueFrom(store.subscribeToAll().pipe(take(3), toArray()));
    const first = server.subscriptions[0]!;
    expect(first.options.fromPosition).toBe('start');
    first.emit('data', { event: events[0] });
    first.emit('error', new Error('connection reset'));
    expect(first.unsubscribed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = server.subscriptions[1]!;
    expect(second.options.fromPosition).toEqual(events[0]!.position);
    for (const e of events) second.emit('data', { event: e });
    expect(((await received) as RecordedEvent[]).map((e) => (e.data as { n: number }).n)).toEqual([
      1, 2, 3,
    ]);
  });

  it('completes open subscriptions and disposes the client on close', async () => {
    const { store, server } = open();
    const completed = new Promise<void>((resolve) =>
      store.subscribeToAll().subscribe({ complete: resolve }),
    );
    await store.close();
    await completed;
    expect(server.subscriptions[0]?.unsubscribed).toBe(true);
    expect(server.disposed).toBe(true);
    await expect(firstValueFrom(store.subscribeToAll())).rejects.toBeInstanceOf(
      EventStoreClosedError,
    );
    await store.close();
  });
});
