import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type SqliteDatabase = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id   TEXT    NOT NULL,
  category    TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  event_id    TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, revision);
CREATE UNIQUE INDEX IF NOT EXISTS events_by_event_id ON events (event_id);
CREATE TABLE IF NOT EXISTS snapshots (
  stream_id  TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,
  version    TEXT    NOT NULL,
  state      TEXT    NOT NULL
) WITHOUT ROWID;
`;

/**
 * Opens the event database in WAL mode with full synchronous commits, so a
 * transaction is on disk before COMMIT returns. Several processes may open the
 * same file: writers serialise on SQLite's write lock (BEGIN IMMEDIATE) and
 * wait for it up to the busy timeout.
 */
export function openEventDatabase(file: string): SqliteDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -65536');
  db.transaction(() => db.exec(SCHEMA)).immediate();
  return db;
}
