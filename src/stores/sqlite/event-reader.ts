import type { Direction, EventFilter, RecordedEvent } from '../event-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { createStreamTail, type TailEvent } from './stream-tail.js';

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';
const INDEXED_COLUMNS = COLUMNS.split(', ')
  .map((column) => `e.${column}`)
  .join(', ');
const MAX_LIMIT = Number.MAX_SAFE_INTEGER;

const toRecorded = (row: EventRow): RecordedEvent => ({
  streamId: row.stream_id,
  revision: row.revision,
  position: String(row.position),
  eventId: row.event_id,
  type: row.type,
  data: JSON.parse(row.data) as unknown,
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  recordedAt: row.recorded_at,
});

/** Synchronous reads over a WAL connection: readers never wait for the writer. */
export function createEventReader(db: SqliteDatabase) {
  // A stream's events up to `through` come from the stream index, the rest from
  // the tail (see stream-index.ts). `through` is read first and bounds the
  // index part, so indexing in between neither drops nor repeats an event.
  const tail = createStreamTail(db);
  const INDEXED = `SELECT ${INDEXED_COLUMNS} FROM stream_index s CROSS JOIN events e ON e.position = s.position`;
  const indexedForwards = db.prepare<[string, number, number, number], EventRow>(
    `${INDEXED} WHERE s.stream_id = ? AND s.revision >= ? AND s.position <= ? ORDER BY s.revision LIMIT ?`,
  );
  const indexedBackwards = db.prepare<[string, number, number, number], EventRow>(
    `${INDEXED} WHERE s.stream_id = ? AND s.revision <= ? AND s.position <= ? ORDER BY s.revision DESC LIMIT ?`,
  );
  const atPosition = db.prepare<[number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE position = ?`,
  );
  const tailRow = (event: TailEvent): EventRow => {
    const row = atPosition.get(event.position);
    if (!row) throw new Error(`event at position ${event.position} is missing from the log`);
    return row;
  };
  const indexedRevision = db
    .prepare<[string], number | null>('SELECT max(revision) FROM stream_index WHERE stream_id = ?')
    .pluck();
  const head = db.prepare<[], number>('SELECT max(position) FROM events').pluck();
  // The first `limit` indexed streams, merged with the tail's: a stream among
  // the first `limit` of both that has indexed events is among the first
  // `limit` indexed ones. One statement, so one snapshot.
  const streams = db.prepare<
    { from: string; to: string; after: string; limit: number },
    { stream_id: string; revision: number }
  >(
    `SELECT stream_id, max(revision) AS revision FROM (
       SELECT * FROM (
         SELECT stream_id, max(revision) AS revision FROM stream_index
          WHERE stream_id >= :from AND stream_id < :to AND stream_id > :after
          GROUP BY stream_id ORDER BY stream_id LIMIT :limit)
       UNION ALL
       SELECT stream_id, max(revision) FROM events
        WHERE position > (SELECT through FROM stream_index_state)
          AND stream_id >= :from AND stream_id < :to AND stream_id > :after
        GROUP BY stream_id)
     GROUP BY stream_id ORDER BY stream_id LIMIT :limit`,
  );
  const allStatements = new Map<string, ReturnType<typeof db.prepare<unknown[], EventRow>>>();

  function allStatement(direction: Direction, filter: EventFilter | undefined) {
    const categories = filter?.streamCategories?.length ?? -1;
    const types = filter?.eventTypes?.length ?? -1;
    const key = `${direction}:${categories}:${types}`;
    let statement = allStatements.get(key);
    if (!statement) {
      const where = [direction === 'forwards' ? 'position > ?' : 'position < ?'];
      const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
      if (categories >= 0) where.push(`category IN (${marks(categories)})`);
      if (types >= 0) where.push(`type IN (${marks(types)})`);
      statement = db.prepare<unknown[], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')}
         ORDER BY position ${direction === 'forwards' ? 'ASC' : 'DESC'} LIMIT ?`,
      );
      allStatements.set(key, statement);
    }
    return statement;
  }

  return {
    readStream(
      streamId: string,
      from: number | undefined,
      direction: Direction,
      limit = MAX_LIMIT,
    ) {
      const through = tail.refresh();
      const known = tail.lastRevision(streamId);
      const inTail = tail.events(streamId);
      if (direction === 'forwards') {
        const fromRevision = from ?? 0;
        // Nothing after the stream's known last revision: no need to look.
        if (known !== undefined && known < fromRevision) return [];
        // Indexed events all come before the tail's first: skip the index
        // when the read starts in the tail (as most aggregate loads do).
        const first = inTail[0];
        const rows =
          first && first.revision <= fromRevision
            ? []
            : indexedForwards.all(streamId, fromRevision, through, limit);
        for (const event of inTail) {
          if (rows.length >= limit) break;
          if (event.revision >= fromRevision) rows.push(tailRow(event));
        }
        const last = rows.at(-1);
        if (last && rows.length < limit) tail.learn(streamId, last.revision);
        return rows.map(toRecorded);
      }
      const fromRevision = from ?? MAX_LIMIT;
      const rows: EventRow[] = [];
      for (let i = inTail.length - 1; i >= 0 && rows.length < limit; i--) {
        const event = inTail[i]!;
        if (event.revision <= fromRevision) rows.push(tailRow(event));
      }
      if (rows.length < limit)
        rows.push(...indexedBackwards.all(streamId, fromRevision, through, limit - rows.length));
      const newest = rows[0];
      if (newest && from === undefined) tail.learn(streamId, newest.revision);
      return rows.map(toRecorded);
    },
    readAll(
      after: number,
      direction: Direction,
      filter: EventFilter | undefined,
      limit = MAX_LIMIT,
    ) {
      const params = [
        after,
        ...(filter?.streamCategories ?? []),
        ...(filter?.eventTypes ?? []),
        limit,
      ];
      return allStatement(direction, filter)
        .all(...params)
        .map(toRecorded);
    },
    streamRevision(streamId: string): number | undefined {
      tail.refresh();
      const known = tail.lastRevision(streamId);
      if (known !== undefined) return known;
      const revision =
        tail.events(streamId).at(-1)?.revision ?? indexedRevision.get(streamId) ?? undefined;
      if (revision !== undefined) tail.learn(streamId, revision);
      return revision;
    },
    headPosition(): number | undefined {
      return head.get() ?? undefined;
    },
    listStreams(prefix: string, after: string, limit: number) {
      return streams
        .all({ from: prefix, to: `${prefix}\u{10FFFF}`, after, limit })
        .map((row) => ({ streamId: row.stream_id, revision: row.revision }));
    },
  };
}
