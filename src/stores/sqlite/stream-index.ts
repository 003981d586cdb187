import type Database from 'better-sqlite3';

type SqliteDatabase = Database.Database;

/*
 * The stream index, written behind the log. An index on events (stream_id,
 * revision) puts one leaf page per stream into every commit: a commit of 32
 * appends to 32 streams wrote about 37 pages to the WAL, 32 of them index
 * leaves holding a few new bytes each. Instead, `stream_index` maps (stream,
 * revision) to a position for every event up to `stream_index_state.through`,
 * and the writer indexes the events after it (the tail) once there are at
 * least STREAM_INDEX_LAG of them, in the same transaction as the append that
 * filled it, sorted, so each stream's leaf is written once per round. A
 * stream's events up to `through` are found through the index; the rest are in
 * the tail, fewer than STREAM_INDEX_LAG rows at the end of the log, which the
 * writer scans on a revision-cache miss and readers follow (stream-tail.ts).
 */

/** The most events after `through` once a write transaction ends. */
export const STREAM_INDEX_LAG = 512;

const STREAM_INDEX_SCHEMA = `
CREATE TABLE IF NOT EXISTS stream_index (
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  PRIMARY KEY (stream_id, revision)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stream_index_state (
  id      INTEGER PRIMARY KEY CHECK (id = 0),
  through INTEGER NOT NULL
);
`;

const INDEX_AFTER = `INSERT INTO stream_index (stream_id, revision, position)
  SELECT stream_id, revision, position FROM events WHERE position > ? ORDER BY stream_id, revision`;

/**
 * Creates the stream index, or builds it for a log written with an index on
 * events (stream_id, revision), which it replaces. Runs inside the schema
 * transaction, so processes opening the file together build it once.
 */
export function ensureStreamIndex(db: SqliteDatabase): void {
  db.exec(STREAM_INDEX_SCHEMA);
  if (db.prepare('SELECT 1 FROM stream_index_state').get() !== undefined) return;
  db.prepare(INDEX_AFTER).run(0);
  const head = db.prepare<[], number | null>('SELECT max(position) FROM events').pluck().get();
  db.prepare('INSERT INTO stream_index_state (id, through) VALUES (0, ?)').run(head ?? 0);
  db.exec('DROP INDEX IF EXISTS events_by_stream');
}

/** The last revision of a stream (bind `{ stream }`), from the index and the tail in one statement. */
export const STREAM_REVISION_SQL = `SELECT max(revision) FROM (
  SELECT max(revision) AS revision FROM stream_index WHERE stream_id = :stream
  UNION ALL
  SELECT max(revision) FROM events
   WHERE position > (SELECT through FROM stream_index_state) AND stream_id = :stream)`;

/** The writer's side: indexes the tail once it has grown to STREAM_INDEX_LAG events. */
export function createTailIndexer(db: SqliteDatabase) {
  const through = db.prepare<[], number>('SELECT through FROM stream_index_state').pluck();
  const indexAfter = db.prepare<[number]>(INDEX_AFTER);
  const setThrough = db.prepare<[number]>('UPDATE stream_index_state SET through = ?');
  /** Call inside the write transaction, after its inserts; `head` is the last position. */
  return (head: number): void => {
    const indexed = through.get() ?? 0;
    if (head - indexed < STREAM_INDEX_LAG) return;
    indexAfter.run(indexed);
    setThrough.run(head);
  };
}
