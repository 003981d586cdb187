import Database from 'better-sqlite3';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { Checkpointed, FromCheckpointer, ToCheckpointer } from './wal-checkpointer.js';

/**
 * Copies the read store's write-ahead log into the database file on a thread
 * of its own, so commits on the main thread never wait for it. Requests
 * queued while one checkpoint runs are served by the next one.
 */
const port = parentPort;
if (!port) throw new Error('wal-checkpoint-worker must run as a worker thread');

const db = new Database((workerData as { file: string }).file, { timeout: 10_000 });
db.pragma('wal_autocheckpoint = 0');
port.on('message', (first: ToCheckpointer) => {
  let closing = first === 'close';
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
    if ((next.message as ToCheckpointer) === 'close') closing = true;
  }
  if (closing) {
    db.close();
    port.close();
    return;
  }
  try {
    // PASSIVE: copies what no reader still needs and never blocks writers.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Checkpointed[];
    if (result) port.postMessage(result satisfies FromCheckpointer);
  } catch {
    // The writer's own automatic checkpoint (past a larger log) remains.
  }
});
