import type { Direction, EventFilter, RecordedEvent } from '../event-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

export interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

/** An EventRow's values in COLUMNS order. */
export type RawEventRow = [number, string, number, string, string, string, string, string];

export const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

export const MAX_LIMIT = Number.MAX_SAFE_INTEGER;

export const rawToRecorded = (row: RawEventRow): RecordedEvent => ({
  streamId: row[1],
  revision: row[2],
  position: String(row[0]),
  eventId: row[3],
  type: row[4],
  data: JSON.parse(row[5]) as unknown,
  metadata: JSON.parse(row[6]) as Record<string, unknown>,
  recordedAt: row[7],
});

export const toRecorded = (row: EventRow): RecordedEvent => ({
  streamId: row.stream_id,
  revision: row.revision,
  position: String(row.position),
  eventId: row.event_id,
  type: row.type,
  data: JSON.parse(row.data) as unknown,
  metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  recordedAt: row.recorded_at,
});

export type ReadLog<Row> = (
  after: number,
  direction: Direction,
  filter: EventFilter | undefined,
  limit?: number,
) => Row[];

export type ReadLogRows = ReadLog<EventRow>;

/**
 * The log's rows after (or before) a position, in position order, optionally
 * only some stream categories and event types: one prepared statement per
 * shape of filter.
 */
export function logRowReader(db: SqliteDatabase): ReadLogRows;
export function logRowReader(db: SqliteDatabase, raw: 'raw'): ReadLog<RawEventRow>;
export function logRowReader(db: SqliteDatabase, raw?: 'raw'): ReadLog<EventRow | RawEventRow> {
  const statements = new Map<string, ReturnType<typeof db.prepare<unknown[], EventRow>>>();

  function statementFor(direction: Direction, filter: EventFilter | undefined) {
    const categories = filter?.streamCategories?.length ?? -1;
    const types = filter?.eventTypes?.length ?? -1;
    const key = `${direction}:${categories}:${types}`;
    let statement = statements.get(key);
    if (!statement) {
      const where = [direction === 'forwards' ? 'position > ?' : 'position < ?'];
      const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
      if (categories >= 0) where.push(`category IN (${marks(categories)})`);
      if (types >= 0) where.push(`type IN (${marks(types)})`);
      statement = db.prepare<unknown[], EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')}
         ORDER BY position ${direction === 'forwards' ? 'ASC' : 'DESC'} LIMIT ?`,
      );
      if (raw) statement.raw(true);
      statements.set(key, statement);
    }
    return statement;
  }

  return (after, direction, filter, limit = MAX_LIMIT) =>
    statementFor(direction, filter).all(
      after,
      ...(filter?.streamCategories ?? []),
      ...(filter?.eventTypes ?? []),
      limit,
    );
}
