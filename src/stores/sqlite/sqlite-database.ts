import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { ensureStreamIndex } from './stream-index.js';

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
CREATE UNIQUE INDEX IF NOT EXISTS events_by_event_id ON events (event_id);
CREATE TABLE IF NOT EXISTS snapshots (
  stream_id  TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,
  version    TEXT    NOT NULL,
  state      TEXT    NOT NULL
) WITHOUT ROWID;
`;

/**
 * Page cache sizes by connection role. Each connection's cache fills as the
 * log grows, up to its limit, so the limits bound the store's memory. The
 * writer touches the last pages of the log and the tails of the streams it
 * appends to; the reader serves stream loads and subscriptions, mostly near
 * the head; the page reader scans large pages, which a cache does not help. Pages outside the cache still come from the OS page cache.
 */
export const PAGE_CACHE_MIB = { writer: 16, reader: 32, pages: 16 } as const;

/**
 * Opens the event database in WAL mode with full synchronous commits, so a
 * transaction is on disk before COMMIT returns. Several processes may open the
 * same file: writers serialise on SQLite's write lock (BEGIN IMMEDIATE) and
 * wait for it up to the busy timeout.
 */
export function openEventDatabase(file: string, cacheMiB = 64): SqliteDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = OFF');
  db.pragma(`cache_size = -${Math.round(cacheMiB * 1024)}`);
  db.transaction(() => {
    db.exec(SCHEMA);
    ensureStreamIndex(db);
  }).immediate();
  return db;
}
