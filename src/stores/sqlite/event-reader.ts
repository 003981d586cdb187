import type { Direction, EventFilter } from '../event-store.js';
import { COLUMNS, logRowReader, MAX_LIMIT, toRecorded, type EventRow } from './log-rows.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { createStreamTail, type TailEvent } from './stream-tail.js';

const INDEXED_COLUMNS = COLUMNS.split(', ')
  .map((column) => `e.${column}`)
  .join(', ');

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
  const readRows = logRowReader(db);

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
      return readRows(after, direction, filter, limit).map(toRecorded);
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
