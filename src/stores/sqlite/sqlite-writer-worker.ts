import { parentPort, workerData } from 'node:worker_threads';
import { createBatchAppender } from './batch-appender.js';
import { openEventDatabase } from './sqlite-database.js';
import type { FromWriter, ToWriter } from './writer-protocol.js';

/** The writer thread: owns the write connection, so fsyncs never block the event loop. */
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker must run as a worker thread');
const send = (message: FromWriter) => port.postMessage(message);

try {
  const db = openEventDatabase((workerData as { file: string }).file);
  const appendBatch = createBatchAppender(db);
  port.on('message', (message: ToWriter) => {
    if (message.kind === 'close') {
      db.close();
      send({ kind: 'closed' });
      port.close();
      return;
    }
    try {
      send({
        kind: 'batch',
        id: message.id,
        outcomes: appendBatch(message.appends, message.snapshots),
      });
    } catch (error) {
      send({ kind: 'batch-failed', id: message.id, message: String(error) });
    }
  });
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'open-failed', message: String(error) });
}
