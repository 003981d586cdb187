import { validate as isUuid, version as uuidVersion } from 'uuid';
import {
  createCommandHandler,
  type CommandHandlerDeps,
} from '../../src/commands/command-handler.js';
import { AppError } from '../../src/errors.js';
import type { EventStore } from '../../src/stores/event-store.js';
import { counter, snapshottingCounter } from '../support/counter-aggregate.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

const clock = () => new Date('2026-03-01T12:00:00.000Z');
const actor = 'user-1';

describe('command handler', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(() => temp.cleanup());

  const handlerFor = (overrides: Partial<CommandHandlerDeps> = {}) =>
    createCommandHandler({ eventStore: temp.store, snapshots: temp.store, clock, ...overrides });

  it('appends the decided events with full metadata and returns revision and position', async () => {
    const handler = handlerFor();
    const result = await handler.handle(
      counter,
      'counter-1',
      { type: 'Increment', by: 2 },
      {
        actor,
        correlationId: 'corr-1',
      },
    );
    expect(result.nextRevision).toBe(0);
    const [stored] = await temp.store.readStream('counter-1');
    expect(result.position).toBe(stored?.position);
    expect(stored).toMatchObject({ type: 'Incremented', data: { by: 2 }, revision: 0 });
    const metadata = stored?.metadata ?? {};
    expect(metadata).toMatchObject({
      correlationId: 'corr-1',
      causationId: 'corr-1',
      actor,
      occurredAt: '2026-03-01T12:00:00.000Z',
      schemaVersion: 2,
    });
    expect(isUuid(String(metadata.eventId)) && uuidVersion(String(metadata.eventId))).toBe(7);
    expect(stored?.eventId).toBe(metadata.eventId);
    expect(result.events).toEqual([
      { type: 'Incremented', data: { by: 2 }, revision: 0, metadata: stored?.metadata },
    ]);
  });

  it('starts a correlation when none is given and keeps an explicit causation', async () => {
    const handler = handlerFor();
    await handler.handle(counter, 'counter-c', { type: 'Close' }, { actor, causationId: 'cmd-9' });
    const [stored] = await temp.store.readStream('counter-c');
    expect(stored?.metadata.causationId).toBe('cmd-9');
    expect(isUuid(String(stored?.metadata.correlationId))).toBe(true);
    expect(stored?.metadata.schemaVersion).toBe(1);
  });

  it('folds history before deciding, and a rejection appends nothing', async () => {
    const handler = handlerFor();
    await handler.handle(counter, 'counter-2', { type: 'Increment', by: 1 }, { actor });
    await handler.handle(counter, 'counter-2', { type: 'Close' }, { actor });
    await expect(
      handler.handle(counter, 'counter-2', { type: 'Increment', by: 1 }, { actor }),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(
      handler.handle(counter, 'counter-3', { type: 'Increment', by: 0 }, { actor }),
    ).rejects.toBeInstanceOf(AppError);
    expect(await temp.store.readStream('counter-2')).toHaveLength(2);
    expect(await temp.store.readStream('counter-3')).toHaveLength(0);
  });

  const interfering = (interference: () => Promise<unknown>): EventStore => {
    let pending = true;
    const store: EventStore = Object.create(temp.store) as EventStore;
    store.appendToStream = async (stream, events, options) => {
      if (pending) {
        pending = false;
        await interference();
      }
      return temp.store.appendToStream(stream, events, options);
    };
    return store;
  };

  it('reloads and decides again when another writer got in first', async () => {
    const other = handlerFor();
    const eventStore = interfering(() =>
      other.handle(counter, 'counter-r', { type: 'Increment', by: 10 }, { actor: 'other' }),
    );
    const handler = handlerFor({ eventStore, sleep: async () => undefined });
    const result = await handler.handle(
      counter,
      'counter-r',
      { type: 'Increment', by: 1 },
      { actor },
    );
    expect(result.nextRevision).toBe(1);
    const stored = await temp.store.readStream('counter-r');
    expect(stored.map((e) => [e.metadata.actor, e.data])).toEqual([
      ['other', { by: 10 }],
      [actor, { by: 1 }],
    ]);
  });

  it('rejects on retry when the concurrent write made the command invalid', async () => {
    const other = handlerFor();
    const eventStore = interfering(() =>
      other.handle(counter, 'counter-q', { type: 'Close' }, { actor: 'other' }),
    );
    const handler = handlerFor({ eventStore, sleep: async () => undefined });
    await expect(
      handler.handle(counter, 'counter-q', { type: 'Increment', by: 5 }, { actor }),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await temp.store.readStream('counter-q')).map((e) => e.type)).toEqual(['Closed']);
  });

  it('gives up after a bounded number of attempts, with jittered backoff', async () => {
    const delays: number[] = [];
    const conflicting: EventStore = Object.create(temp.store) as EventStore;
    conflicting.appendToStream = async (stream, events) => {
      await temp.store.appendToStream(stream, [
        { eventId: crypto.randomUUID(), type: 'Incremented', data: { by: 1 } },
      ]);
      return temp.store.appendToStream(stream, events, { expectedRevision: -5 as never });
    };
    const handler = handlerFor({
      eventStore: conflicting,
      maxAttempts: 4,
      random: () => 0.5,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    await expect(
      handler.handle(counter, 'counter-x', { type: 'Increment', by: 1 }, { actor }),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
    expect(delays).toEqual([1, 2, 4]);
  });

  it('loses no update when two handlers (as two processes) write one stream concurrently', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).handle(counter, 'counter-hot', { type: 'Increment', by: 1 }, { actor }),
      ),
    );
    const events = await temp.store.readStream('counter-hot');
    expect(events).toHaveLength(60);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    await a.handle(counter, 'counter-hot', { type: 'Close' }, { actor });
    const fresh = handlerFor();
    await expect(
      fresh.handle(counter, 'counter-hot', { type: 'Increment', by: 1 }, { actor }),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('a cached aggregate still sees events written by others', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await a.handle(counter, 'counter-s', { type: 'Increment', by: 1 }, { actor });
    await b.handle(counter, 'counter-s', { type: 'Close' }, { actor });
    await expect(
      a.handle(counter, 'counter-s', { type: 'Increment', by: 1 }, { actor }),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('checks an expected revision (If-Match) before deciding', async () => {
    const handler = handlerFor();
    await handler.handle(counter, 'counter-m', { type: 'Increment', by: 1 }, { actor });
    await expect(
      handler.handle(
        counter,
        'counter-m',
        { type: 'Increment', by: 1 },
        { actor, expectedRevision: 5 },
      ),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', details: { revision: 0 } });
    const ok = await handler.handle(
      counter,
      'counter-m',
      { type: 'Close' },
      { actor, expectedRevision: 0 },
    );
    expect(ok.nextRevision).toBe(1);
  });

  describe('snapshots', () => {
    it('saves a snapshot every N events and loads from it, reading only what follows', async () => {
      const handler = handlerFor();
      for (let i = 0; i < 12; i++) {
        await handler.handle(
          snapshottingCounter,
          'counter-snap',
          { type: 'Increment', by: 1 },
          {
            actor,
          },
        );
      }
      const snapshot = await temp.store.loadSnapshot('counter-snap');
      expect(snapshot).toEqual({
        revision: 9,
        version: 'counter-v1',
        state: { status: 'open', total: 10 },
      });
      const reads: (number | undefined)[] = [];
      const spying: EventStore = Object.create(temp.store) as EventStore;
      spying.readStream = (stream, options) => {
        reads.push(options?.fromRevision);
        return temp.store.readStream(stream, options);
      };
      const fresh = handlerFor({ eventStore: spying });
      await fresh.handle(snapshottingCounter, 'counter-snap', { type: 'Close' }, { actor });
      expect(reads).toEqual([10]);
      const closed = await temp.store.readStream('counter-snap', {
        direction: 'backwards',
        limit: 1,
      });
      expect(closed[0]?.type).toBe('Closed');
    });

    it('ignores a snapshot of another state version', async () => {
      temp.store.saveSnapshot('counter-old', {
        revision: 0,
        version: 'counter-v0',
        state: { status: 'closed', total: 99 },
      });
      await temp.store.appendToStream('counter-old', [
        { eventId: crypto.randomUUID(), type: 'Incremented', data: { by: 3 } },
      ]);
      expect(await temp.store.loadSnapshot('counter-old')).toMatchObject({ version: 'counter-v0' });
      const handler = handlerFor();
      const result = await handler.handle(
        snapshottingCounter,
        'counter-old',
        { type: 'Increment', by: 1 },
        { actor },
      );
      expect(result.nextRevision).toBe(1);
    });
  });
});
