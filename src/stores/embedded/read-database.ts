import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type ReadDatabase = Database.Database;

/** Write-ahead log size past which a writing connection checkpoints by itself. */
const BACKSTOP_CHECKPOINT_BYTES = 100 * 1024 * 1024;

/**
 * The page size of a new read-model database (one created before keeps its
 * own). Documents of a kilobyte or more (an order with its lines and
 * timeline) waste less of a 16 KiB page, and a commit writes fewer, fuller
 * pages: catching `orders` up from 1,000,000 events took 7.3 s instead of
 * 8.8 s and wrote 296 MB instead of 456 MB; `search` 18.2 s instead of 21.3 s.
 */
export const READ_PAGE_SIZE = 16_384;

/** Each connection's page cache by default, in MiB (READ_CACHE_MIB). */
export const DEFAULT_CACHE_MIB = 512;

/**
 * The bookkeeping tables; each collection is a table of its own (see
 * sql-names.ts). `registry_version` counts changes to collections and
 * indexes, so every connection notices another's and reloads its view.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS read_meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO read_meta (key, value) VALUES ('registry_version', 0);
CREATE TABLE IF NOT EXISTS read_collections (
  name TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS read_indexes (
  collection TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  sql_name   TEXT    NOT NULL UNIQUE,
  keys       TEXT    NOT NULL,
  is_unique  INTEGER NOT NULL,
  multikey   INTEGER NOT NULL,
  PRIMARY KEY (collection, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  projection TEXT PRIMARY KEY,
  position   TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (
  name       TEXT    PRIMARY KEY,
  holder     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Opens the read-model database in WAL mode. `synchronous = NORMAL` may lose
 * the last commits on power failure but never corrupts: read models are
 * rebuilt from the log, and a batch and its checkpoint share one transaction,
 * so they are lost together. Several processes may open the same file;
 * writers serialise on BEGIN IMMEDIATE and wait up to the busy timeout.
 *
 * The page cache fills only with pages the connection reads or writes. A
 * large one pays off for large transactions: when a catch-up batch dirties
 * more pages than fit, SQLite writes them out to the log mid-transaction and
 * again at commit. Catching search up from 1,000,000 events wrote 2.8 GB with
 * 64 MiB and 1.2 GB with 512 MiB, and took 12% less time.
 */
export function openReadDatabase(
  file: string,
  { busyTimeoutMs = 10_000, cacheMiB = DEFAULT_CACHE_MIB } = {},
): ReadDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    // Takes effect only on a database with no tables yet, before it turns to WAL.
    db.pragma(`page_size = ${READ_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = ${-Math.round(cacheMiB * 1024)}`);
    db.pragma('temp_store = MEMORY');
    // Checkpoints run on a worker thread (wal-checkpointer.ts); this
    // connection checkpoints itself only if the log grows far past that.
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    db.pragma(`wal_autocheckpoint = ${Math.ceil(BACKSTOP_CHECKPOINT_BYTES / pageSize)}`);
    db.transaction(() => db.exec(SCHEMA)).immediate();
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
