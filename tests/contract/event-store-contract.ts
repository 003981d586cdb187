import { firstValueFrom, take, toArray } from 'rxjs';
import { v7 as uuidv7 } from 'uuid';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type RecordedEvent,
} from '../../src/stores/event-store.js';
import { comparePositions } from '../../src/stores/position.js';

export interface ContractTarget {
  open(): Promise<EventStore>;
  /** Called after each test with the store that `open` returned. */
  dispose?(store: EventStore): Promise<void>;
}

const event = (type = 'Tested', data: unknown = { n: 1 }): EventToAppend => ({
  eventId: uuidv7(),
  type,
  data,
  metadata: { correlationId: 'c-1', schemaVersion: 1 },
});

async function expectConflict(promise: Promise<unknown>): Promise<WrongExpectedRevisionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  return error as WrongExpectedRevisionError;
}

/**
 * One suite for every EventStore adapter. Each test uses its own stream
 * category so that it can run against a shared, non-empty server.
 */
export function describeEventStoreContract(name: string, target: ContractTarget): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let category: string;
    const stream = (id: string) => `${category}-${id}`;

    beforeEach(async () => {
      store = await target.open();
      category = `t${uuidv7().replace(/-/g, '')}`;
    });
    afterEach(async () => {
      if (target.dispose) await target.dispose(store);
      else await store.close();
    });

    describe('expected revision', () => {
      it('no_stream succeeds on a new stream and conflicts on an existing one', async () => {
        const first = await store.appendToStream(stream('a'), [event(), event()], {
          expectedRevision: 'no_stream',
        });
        expect(first.nextRevision).toBe(1);
        const error = await expectConflict(
          store.appendToStream(stream('a'), [event()], { expectedRevision: 'no_stream' }),
        );
        expect(error.actual).toBe(1);
        expect(error.streamId).toBe(stream('a'));
      });

      it('exists conflicts on a new stream and succeeds on an existing one', async () => {
        const error = await expectConflict(
          store.appendToStream(stream('b'), [event()], { expectedRevision: 'exists' }),
        );
        expect(error.actual).toBe('no_stream');
        await store.appendToStream(stream('b'), [event()]);
        const result = await store.appendToStream(stream('b'), [event()], {
          expectedRevision: 'exists',
        });
        expect(result.nextRevision).toBe(1);
      });

      it('a number must equal the revision of the last event', async () => {
        await store.appendToStream(stream('c'), [event(), event(), event()]);
        const error = await expectConflict(
          store.appendToStream(stream('c'), [event()], { expectedRevision: 1 }),
        );
        expect(error.actual).toBe(2);
        const ok = await store.appendToStream(stream('c'), [event()], { expectedRevision: 2 });
        expect(ok.nextRevision).toBe(3);
        await expectConflict(
          store.appendToStream(stream('new'), [event()], { expectedRevision: 0 }),
        );
      });

      it('any always appends', async () => {
        const a = await store.appendToStream(stream('d'), [event()], { expectedRevision: 'any' });
        const b = await store.appendToStream(stream('d'), [event()], { expectedRevision: 'any' });
        expect([a.nextRevision, b.nextRevision]).toEqual([0, 1]);
      });

      it('a failed append writes nothing', async () => {
        await store.appendToStream(stream('e'), [event()]);
        await expectConflict(
          store.appendToStream(stream('e'), [event(), event()], { expectedRevision: 5 }),
        );
        expect(await store.readStream(stream('e'))).toHaveLength(1);
        expect(await store.streamRevision(stream('e'))).toBe(0);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards from a revision with a limit', async () => {
        const events = Array.from({ length: 10 }, (_, i) => event('Numbered', { i }));
        await store.appendToStream(stream('r'), events);
        const all = await store.readStream(stream('r'));
        expect(all.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(all.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        const page = await store.readStream(stream('r'), { fromRevision: 3, limit: 4 });
        expect(page.map((e) => (e.data as { i: number }).i)).toEqual([3, 4, 5, 6]);
        const back = await store.readStream(stream('r'), { direction: 'backwards', limit: 3 });
        expect(back.map((e) => e.revision)).toEqual([9, 8, 7]);
        const backFrom = await store.readStream(stream('r'), {
          direction: 'backwards',
          fromRevision: 4,
          limit: 2,
        });
        expect(backFrom.map((e) => e.revision)).toEqual([4, 3]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(stream('nothing'))).toEqual([]);
        expect(await store.streamRevision(stream('nothing'))).toBeUndefined();
      });

      it('records type, data, metadata, stream, revision, position and time', async () => {
        const before = Date.now();
        const sent = event('Recorded', { nested: { list: [1, 2, 3] }, flag: true, none: null });
        const result = await store.appendToStream(stream('m'), [sent]);
        const [recorded] = await store.readStream(stream('m'));
        expect(recorded).toMatchObject({
          streamId: stream('m'),
          revision: 0,
          eventId: sent.eventId,
          type: 'Recorded',
          data: sent.data,
          position: result.position,
        });
        expect(recorded?.metadata).toMatchObject({ correlationId: 'c-1', schemaVersion: 1 });
        const recordedAt = Date.parse(recorded?.recordedAt ?? '');
        expect(recordedAt).toBeGreaterThanOrEqual(before - 5000);
        expect(recordedAt).toBeLessThanOrEqual(Date.now() + 5000);
      });

      it('keeps large and unicode payloads intact', async () => {
        const text = 'Grüße, 你好世界, こんにちは, émoji 🛒🎉, RTL שלום, \u0000 nul, "quotes" \\ ';
        const big = {
          text,
          blob: 'x'.repeat(1_000_000),
          list: Array.from({ length: 5000 }, (_, i) => i),
        };
        await store.appendToStream(stream('u'), [event('Unicode', { text }), event('Big', big)]);
        const [u, b] = await store.readStream(stream('u'));
        expect(u?.data).toEqual({ text });
        expect(b?.data).toEqual(big);
      });

      it('orders all events globally by position', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 5; i++) {
          await store.appendToStream(stream(`g${i % 2}`), [event('G', { i })]);
        }
        const read = await store.readAll({
          ...(start ? { fromPosition: start } : {}),
          filter: { streamCategories: [category] },
        });
        expect(read.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
        for (let i = 1; i < read.length; i++) {
          expect(comparePositions(read[i - 1]!.position, read[i]!.position)).toBeLessThan(0);
        }
        const head = await store.headPosition();
        expect(head).toBe(read[4]?.position);
      });

      it('resumes readAll after a position, exclusively, and pages with a limit', async () => {
        await store.appendToStream(
          stream('p'),
          Array.from({ length: 6 }, (_, i) => event('P', { i })),
        );
        const filter = { streamCategories: [category] };
        const first = await store.readAll({ filter, limit: 4 });
        expect(first.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3]);
        const rest = await store.readAll({ filter, fromPosition: first[3]!.position });
        expect(rest.map((e) => (e.data as { i: number }).i)).toEqual([4, 5]);
        const back = await store.readAll({ filter, direction: 'backwards', limit: 2 });
        expect(back.map((e) => (e.data as { i: number }).i)).toEqual([5, 4]);
      });

      it('filters readAll by stream category and by event type', async () => {
        const other = `o${uuidv7().replace(/-/g, '')}`;
        await store.appendToStream(stream('f1'), [event('Kept', { i: 1 }), event('Dropped')]);
        await store.appendToStream(`${other}-f2`, [event('Kept', { i: 2 })]);
        const both = await store.readAll({ filter: { streamCategories: [category, other] } });
        expect(both).toHaveLength(3);
        const kept = await store.readAll({
          filter: { streamCategories: [category, other], eventTypes: ['Kept'] },
        });
        expect(kept.map((e) => (e.data as { i: number }).i)).toEqual([1, 2]);
        const onlyMine = await store.readAll({
          filter: { streamCategories: [category], eventTypes: ['Kept'] },
        });
        expect(onlyMine.map((e) => e.streamId)).toEqual([stream('f1')]);
      });

      it('lists streams by prefix with their revisions, in pages', async () => {
        await store.appendToStream(stream('l1'), [event(), event()]);
        await store.appendToStream(stream('l2'), [event()]);
        await store.appendToStream(stream('l3'), [event(), event(), event()]);
        const listed = await store.listStreams({ prefix: `${category}-l` });
        expect(listed).toEqual([
          { streamId: stream('l1'), revision: 1 },
          { streamId: stream('l2'), revision: 0 },
          { streamId: stream('l3'), revision: 2 },
        ]);
        const page = await store.listStreams({
          prefix: `${category}-l`,
          after: stream('l1'),
          limit: 1,
        });
        expect(page).toEqual([{ streamId: stream('l2'), revision: 0 }]);
      });
    });

    describe('idempotent event ids', () => {
      it('re-appending stored events with the same expected revision is a no-op', async () => {
        const batch = [event(), event()];
        const first = await store.appendToStream(stream('i'), batch, {
          expectedRevision: 'no_stream',
        });
        const again = await store.appendToStream(stream('i'), batch, {
          expectedRevision: 'no_stream',
        });
        expect(again.nextRevision).toBe(first.nextRevision);
        expect(await store.readStream(stream('i'))).toHaveLength(2);
      });

      it('re-appending a stored event with any is a no-op', async () => {
        const once = event();
        await store.appendToStream(stream('j'), [event()]);
        const first = await store.appendToStream(stream('j'), [once], { expectedRevision: 'any' });
        const again = await store.appendToStream(stream('j'), [once], { expectedRevision: 'any' });
        expect(again.nextRevision).toBe(first.nextRevision);
        const read = await store.readStream(stream('j'));
        expect(read.map((e) => e.eventId)).toEqual([read[0]?.eventId, once.eventId]);
      });
    });

    describe('concurrency', () => {
      it('1,000 concurrent appends to one stream: only winners land, revisions contiguous', async () => {
        const attempts = Array.from({ length: 1000 }, (_, i) => {
          const expected: ExpectedRevision = i % 50 === 0 ? 'no_stream' : (i % 50) - 1;
          const e = event('Raced', { i });
          return store.appendToStream(stream('race'), [e], { expectedRevision: expected }).then(
            (result) => ({ won: true as const, eventId: e.eventId, result }),
            (error: unknown) => ({ won: false as const, error }),
          );
        });
        const outcomes = await Promise.all(attempts);
        const winners = outcomes.filter((o) => o.won);
        for (const lost of outcomes.filter((o) => !o.won)) {
          expect(lost.error).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect(winners.length).toBeGreaterThanOrEqual(1);
        const read = await store.readStream(stream('race'));
        expect(read).toHaveLength(winners.length);
        expect(read.map((e) => e.revision)).toEqual(read.map((_, i) => i));
        expect(new Set(read.map((e) => e.eventId))).toEqual(
          new Set(winners.map((w) => (w.won ? w.eventId : ''))),
        );
        const revisions = winners.map((w) => (w.won ? w.result.nextRevision : -1));
        expect(new Set(revisions).size).toBe(winners.length);
      });

      it('1,000 concurrent appends to distinct streams all land', async () => {
        const results = await Promise.all(
          Array.from({ length: 1000 }, (_, i) =>
            store.appendToStream(stream(`many${i}`), [event('Many', { i })], {
              expectedRevision: 'no_stream',
            }),
          ),
        );
        expect(results.every((r) => r.nextRevision === 0)).toBe(true);
        const positions = results.map((r) => r.position);
        expect(new Set(positions).size).toBe(1000);
        const read = await store.readAll({ filter: { streamCategories: [category] } });
        expect(read).toHaveLength(1000);
        expect(new Set(read.map((e) => (e.data as { i: number }).i)).size).toBe(1000);
      });
    });

    describe('subscriptions', () => {
      it('catches up from a position (exclusive), then follows live appends without gaps or duplicates', async () => {
        const filter = { streamCategories: [category] };
        await store.appendToStream(stream('s'), [event('S', { i: 0 }), event('S', { i: 1 })]);
        const [firstEvent] = await store.readAll({ filter, limit: 1 });
        const received: RecordedEvent[] = [];
        const done = firstValueFrom(
          store
            .subscribeToAll({ fromPosition: firstEvent!.position, filter })
            .pipe(take(6), toArray()),
        );
        const collected = done.then((events) => received.push(...events));
        for (let i = 2; i < 7; i++) {
          await store.appendToStream(stream(i % 2 ? 's' : 's2'), [event('S', { i })]);
        }
        await collected;
        expect(received.map((e) => (e.data as { i: number }).i)).toEqual([1, 2, 3, 4, 5, 6]);
      });

      it('sees appends made after it started, filtered by type', async () => {
        const filter = { streamCategories: [category], eventTypes: ['Wanted'] };
        const done = firstValueFrom(store.subscribeToAll({ filter }).pipe(take(3), toArray()));
        await store.appendToStream(stream('live'), [event('Unwanted'), event('Wanted', { i: 1 })]);
        await Promise.all([
          store.appendToStream(stream('live2'), [event('Wanted', { i: 2 })]),
          store.appendToStream(stream('live3'), [event('Unwanted'), event('Wanted', { i: 3 })]),
        ]);
        const events = await done;
        expect(events.map((e) => e.type)).toEqual(['Wanted', 'Wanted', 'Wanted']);
        expect(events.map((e) => (e.data as { i: number }).i).sort()).toEqual([1, 2, 3]);
        for (let i = 1; i < events.length; i++) {
          expect(comparePositions(events[i - 1]!.position, events[i]!.position)).toBeLessThan(0);
        }
      });
    });
  });
}
