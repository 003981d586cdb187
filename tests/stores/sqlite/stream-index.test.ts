import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBatchAppender } from '../../../src/stores/sqlite/batch-appender.js';
import { createEventReader } from '../../../src/stores/sqlite/event-reader.js';
import {
  openEventDatabase,
  type SqliteDatabase,
} from '../../../src/stores/sqlite/sqlite-database.js';
import { STREAM_INDEX_LAG } from '../../../src/stores/sqlite/stream-index.js';
import { CATCH_UP_WINDOW } from '../../../src/stores/sqlite/stream-tail.js';
import type { AppendRequest } from '../../../src/stores/sqlite/writer-protocol.js';

const STREAMS = ['order-a', 'order-b', 'order-c', 'cart-a', 'cart-b'];

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

interface Expected {
  readonly position: number;
  readonly revision: number;
  readonly eventId: string;
}

describe('deferred stream index', () => {
  let dir: string;
  let file: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-index-'));
    file = path.join(dir, 'events.sqlite');
    db = openEventDatabase(file);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const through = (database: SqliteDatabase) =>
    database.prepare<[], number>('SELECT through FROM stream_index_state').pluck().get() ?? 0;
  const head = (database: SqliteDatabase) =>
    database.prepare<[], number>('SELECT max(position) FROM events').pluck().get() ?? 0;

  /**
   * Appends batches of random sizes to random streams, at least `events` events
   * and until some are in the tail; returns each stream's events.
   */
  function appendRandomly(database: SqliteDatabase, events: number, seed: number) {
    const next = random(seed);
    const appendBatch = createBatchAppender(database);
    const streams = new Map<string, Expected[]>(STREAMS.map((s) => [s, []]));
    let written = 0;
    while (written < events || through(database) === head(database)) {
      const requests: AppendRequest[] = [];
      for (let i = 1 + next(40); i > 0; i--) {
        const streamId = STREAMS[next(STREAMS.length)]!;
        const count = 1 + next(3);
        const ids = Array.from({ length: count }, () => `e-${seed}-${written++}`);
        requests.push({
          streamId,
          expectedRevision: 'any',
          events: ids.map((eventId) => ({ eventId, type: 'T', data: '{}', metadata: '{}' })),
        });
      }
      const outcomes = appendBatch(requests, []);
      requests.forEach((request, i) => {
        const outcome = outcomes[i];
        if (outcome?.kind !== 'appended') throw new Error(`append failed: ${String(outcome)}`);
        const stream = streams.get(request.streamId)!;
        const first = outcome.nextRevision - request.events.length + 1;
        request.events.forEach((e, k) =>
          stream.push({
            position: outcome.position - request.events.length + 1 + k,
            revision: first + k,
            eventId: e.eventId,
          }),
        );
      });
    }
    return streams;
  }

  it('keeps the tail after the index shorter than its lag, indexing the rest', () => {
    appendRandomly(db, 5 * STREAM_INDEX_LAG, 1);
    const indexed = through(db);
    expect(indexed).toBeGreaterThan(3 * STREAM_INDEX_LAG);
    expect(head(db) - indexed).toBeLessThan(STREAM_INDEX_LAG);
    const rows = db.prepare<[], number>('SELECT count(*) FROM stream_index').pluck().get();
    expect(rows).toBe(indexed);
  });

  it('reads every stream across the index and the tail, both ways, from any revision and with any limit', () => {
    const streams = appendRandomly(db, 3 * STREAM_INDEX_LAG + 100, 2);
    expect(head(db)).toBeGreaterThan(through(db));
    const reader = createEventReader(db);
    const next = random(3);
    for (const [streamId, events] of streams) {
      expect(reader.readStream(streamId, undefined, 'forwards').map((e) => e.eventId)).toEqual(
        events.map((e) => e.eventId),
      );
      expect(reader.streamRevision(streamId)).toBe(events.length - 1);
      for (let i = 0; i < 40; i++) {
        const from = next(events.length + 2);
        const limit = 1 + next(events.length);
        const forwards = events.filter((e) => e.revision >= from).slice(0, limit);
        const backwards = events
          .filter((e) => e.revision <= from)
          .reverse()
          .slice(0, limit);
        const read = (direction: 'forwards' | 'backwards') =>
          reader.readStream(streamId, from, direction, limit).map((e) => ({
            position: Number(e.position),
            revision: e.revision,
            eventId: e.eventId,
          }));
        expect(read('forwards')).toEqual(forwards);
        expect(read('backwards')).toEqual(backwards);
      }
    }
    expect(reader.readStream('order-none', undefined, 'forwards')).toEqual([]);
    expect(reader.streamRevision('order-none')).toBeUndefined();
  });

  it('a reader that follows the log as it is indexed round after round sees every event once', () => {
    const reader = createEventReader(db);
    const appendBatch = createBatchAppender(db);
    const expected = new Map<string, string[]>(STREAMS.map((s) => [s, []]));
    const next = random(7);
    for (let batch = 0; batch < 150; batch++) {
      const requests = Array.from({ length: 1 + next(30) }, (_, i) => ({
        streamId: STREAMS[next(STREAMS.length)]!,
        expectedRevision: 'any' as const,
        events: [event(`f-${batch}-${i}`)],
      }));
      appendBatch(requests, []);
      for (const r of requests) expected.get(r.streamId)!.push(r.events[0]!.eventId);
      const streamId = STREAMS[batch % STREAMS.length]!;
      const ids = expected.get(streamId)!;
      expect(reader.readStream(streamId, undefined, 'forwards').map((e) => e.eventId)).toEqual(ids);
      expect(reader.readStream(streamId, undefined, 'backwards', 3).map((e) => e.eventId)).toEqual(
        ids.slice(-3).reverse(),
      );
      expect(reader.streamRevision(streamId)).toBe(ids.length - 1);
    }
    expect(through(db)).toBeGreaterThan(3 * STREAM_INDEX_LAG);
  });

  it('a reader that knows where streams end still sees what is appended after, however it is indexed', () => {
    const reader = createEventReader(db);
    const appendBatch = createBatchAppender(db);
    const expected = new Map<string, string[]>(STREAMS.map((s) => [s, []]));
    const next = random(11);
    let n = 0;
    const appendSome = (count: number, streams = STREAMS) => {
      for (let done = 0; done < count;) {
        const requests = Array.from({ length: 1 + next(30) }, () => ({
          streamId: streams[next(streams.length)]!,
          expectedRevision: 'any' as const,
          events: [event(`k-${n++}`)],
        }));
        appendBatch(requests, []);
        for (const r of requests) expected.get(r.streamId)?.push(r.events[0]!.eventId);
        done += requests.length;
      }
    };
    /** Reads on from the end the reader last saw, as an aggregate cache does. */
    const readOn = (streamId: string, known: number) =>
      reader.readStream(streamId, known + 1, 'forwards').map((e) => e.eventId);
    const ends = new Map<string, number>(STREAMS.map((s) => [s, -1]));
    for (let round = 0; round < 60; round++) {
      // Few events (read before they are indexed), some indexed before the
      // reader looks again (read back within its window), or some followed by
      // so many of another stream that the reader's map never sees them.
      appendSome(round % 3 === 0 ? 2 * STREAM_INDEX_LAG : 1 + next(20));
      if (round % 4 === 0) appendSome(CATCH_UP_WINDOW + 2 * STREAM_INDEX_LAG, ['filler']);
      for (const streamId of STREAMS) {
        const ids = expected.get(streamId)!;
        const known = ends.get(streamId)!;
        expect(readOn(streamId, known)).toEqual(ids.slice(known + 1));
        expect(readOn(streamId, ids.length - 1)).toEqual([]);
        expect(reader.streamRevision(streamId)).toBe(ids.length - 1);
        ends.set(streamId, ids.length - 1);
      }
    }
    expect(through(db)).toBeGreaterThan(10 * CATCH_UP_WINDOW);
  });

  it('reads each event once when the tail is indexed between reading `through` and the index', () => {
    const streams = appendRandomly(db, STREAM_INDEX_LAG + 10, 6);
    // What a reader sees if the writer indexes the tail after the reader has
    // read `through`: index entries past the `through` it holds.
    db.prepare(
      `INSERT INTO stream_index SELECT stream_id, revision, position FROM events
        WHERE position > (SELECT through FROM stream_index_state)`,
    ).run();
    const reader = createEventReader(db);
    for (const [streamId, events] of streams) {
      const ids = events.map((e) => e.eventId);
      expect(reader.readStream(streamId, undefined, 'forwards').map((e) => e.eventId)).toEqual(ids);
      expect(reader.readStream(streamId, undefined, 'backwards').map((e) => e.eventId)).toEqual(
        [...ids].reverse(),
      );
    }
  });

  it('lists streams found only in the tail beside indexed ones, page by page', () => {
    appendRandomly(db, 2 * STREAM_INDEX_LAG, 4);
    const appendBatch = createBatchAppender(db);
    appendBatch([{ streamId: 'order-0', expectedRevision: 'no_stream', events: [event('x')] }], []);
    expect(head(db)).toBeGreaterThan(through(db));
    const reader = createEventReader(db);
    const all = reader.listStreams('order-', '', 100);
    expect(all.map((s) => s.streamId)).toEqual(['order-0', 'order-a', 'order-b', 'order-c']);
    expect(all[0]?.revision).toBe(0);
    const firstPage = reader.listStreams('order-', '', 2);
    const secondPage = reader.listStreams('order-', firstPage.at(-1)!.streamId, 2);
    expect([...firstPage, ...secondPage]).toEqual(all);
  });

  it('checks expected revisions against the index and the tail when the writer has no cached revision', () => {
    const streams = appendRandomly(db, 2 * STREAM_INDEX_LAG + 50, 5);
    const fresh = createBatchAppender(db);
    const last = streams.get('order-a')!.length - 1;
    expect(
      fresh([{ streamId: 'order-a', expectedRevision: last - 1, events: [event('y')] }], []),
    ).toEqual([{ kind: 'conflict', actual: last }]);
    expect(
      fresh([{ streamId: 'order-a', expectedRevision: last, events: [event('y')] }], [])[0],
    ).toMatchObject({ kind: 'appended', nextRevision: last + 1 });
  });

  it('builds the index for a log written with an index on events (stream, revision)', () => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(`
      CREATE TABLE events (
        position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL,
        category TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL,
        type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL);
      CREATE UNIQUE INDEX events_by_stream ON events (stream_id, revision);
      CREATE UNIQUE INDEX events_by_event_id ON events (event_id);`);
    const insert = old.prepare(
      `INSERT INTO events (stream_id, category, revision, event_id, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, 'T', '{}', '{}', '2026-01-01T00:00:00.000Z')`,
    );
    for (let i = 0; i < 30; i++)
      insert.run(`order-${i % 3}`, 'order', Math.floor(i / 3), `old-${i}`);
    old.close();

    db = openEventDatabase(file);
    expect(through(db)).toBe(30);
    const indexes = db
      .prepare<[], string>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'",
      )
      .pluck()
      .all();
    expect(indexes).not.toContain('events_by_stream');
    const reader = createEventReader(db);
    expect(reader.readStream('order-1', 8, 'forwards').map((e) => e.eventId)).toEqual([
      'old-25',
      'old-28',
    ]);
    expect(reader.streamRevision('order-2')).toBe(9);
    const appendBatch = createBatchAppender(db);
    expect(
      appendBatch([{ streamId: 'order-2', expectedRevision: 8, events: [event('z')] }], []),
    ).toEqual([{ kind: 'conflict', actual: 9 }]);
    // Opening again leaves the built index as it is.
    db.close();
    db = openEventDatabase(file);
    expect(through(db)).toBe(30);
    expect(db.prepare('SELECT count(*) AS n FROM stream_index').get()).toEqual({ n: 30 });
  });
});

function event(eventId: string) {
  return { eventId, type: 'T', data: '{}', metadata: '{}' };
}
