import type { Direction, EventFilter, RecordedEvent } from '../event-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

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
  const forwards = db.prepare<[string, number, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
  );
  const backwards = db.prepare<[string, number, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
  );
  const revision = db
    .prepare<[string], number | null>('SELECT max(revision) FROM events WHERE stream_id = ?')
    .pluck();
  const head = db.prepare<[], number>('SELECT max(position) FROM events').pluck();
  const streams = db.prepare<
    [string, string, string, number],
    { stream_id: string; revision: number }
  >(
    `SELECT stream_id, max(revision) AS revision FROM events
     WHERE stream_id >= ? AND stream_id < ? AND stream_id > ?
     GROUP BY stream_id ORDER BY stream_id LIMIT ?`,
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
      const rows =
        direction === 'forwards'
          ? forwards.all(streamId, from ?? 0, limit)
          : backwards.all(streamId, from ?? MAX_LIMIT, limit);
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
      return revision.get(streamId) ?? undefined;
    },
    headPosition(): number | undefined {
      return head.get() ?? undefined;
    },
    listStreams(prefix: string, after: string, limit: number) {
      return streams
        .all(prefix, `${prefix}\u{10FFFF}`, after, limit)
        .map((row) => ({ streamId: row.stream_id, revision: row.revision }));
    },
  };
}
