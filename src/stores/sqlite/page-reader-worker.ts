import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { logRowReader } from './log-rows.js';
import type { FromPageReader, ToPageReader } from './page-reader-protocol.js';
import { PAGE_CACHE_MIB } from './sqlite-database.js';

/**
 * Reads pages of the log on a connection of its own, so the thread that asked
 * goes on (applying the previous page) meanwhile. Rows travel as plain arrays
 * (no property names to copy); the asking thread parses data and metadata.
 * Building one JSON text of the page here instead cost more than it saved.
 */
const port = parentPort;
if (!port) throw new Error('page-reader-worker must run as a worker thread');
const send = (message: FromPageReader) => port.postMessage(message);

try {
  const db = new Database((workerData as { file: string }).file, {
    fileMustExist: true,
    timeout: 10_000,
  });
  db.pragma('query_only = ON');
  db.pragma(`cache_size = -${PAGE_CACHE_MIB.pages * 1024}`);
  const readRows = logRowReader(db, 'raw');
  port.on('message', (message: ToPageReader) => {
    if (message.kind === 'close') {
      db.close();
      port.close();
      return;
    }
    try {
      const rows = readRows(message.after, message.direction, message.filter, message.limit);
      send({ kind: 'page', id: message.id, rows });
    } catch (error) {
      send({ kind: 'failed', id: message.id, message: String(error) });
    }
  });
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'open-failed', message: String(error) });
}
