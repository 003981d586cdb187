import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createBatchAppender } from './batch-appender.js';
import { openEventDatabase, PAGE_CACHE_MIB } from './sqlite-database.js';
import { decodeAppends, encodeOutcomes } from './writer-wire.js';
import {
  PIPELINED_APPENDS,
  type AppendOutcome,
  type AppendRequest,
  type FromWriter,
  type SnapshotWrite,
  type ToWriter,
} from './writer-protocol.js';

/**
 * The writer thread owns the write connection, so fsyncs never block the event
 * loop. Group commit: write requests queued while a transaction commits go
 * into the next transaction together, up to PIPELINED_APPENDS appends.
 */
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker must run as a worker thread');
const send = (message: FromWriter) => port.postMessage(message);

try {
  const db = openEventDatabase((workerData as { file: string }).file, PAGE_CACHE_MIB.writer);
  // Fewer, larger checkpoints keep them off most commits (the WAL stays under ~40 MB).
  db.pragma('wal_autocheckpoint = 10000');
  const appendBatch = createBatchAppender(db);
  port.on('message', (first: ToWriter) => {
    const ids: number[] = [];
    const appends: AppendRequest[] = [];
    const snapshots: SnapshotWrite[] = [];
    let closing = false;
    for (let message: ToWriter | undefined = first; message;) {
      if (message.kind === 'close') closing = true;
      else {
        if (message.appends)
          decodeAppends(message.appends, (id, request) => {
            ids.push(id);
            appends.push(request);
          });
        for (const snapshot of message.snapshots) snapshots.push(snapshot);
      }
      // A large message commits on its own (see PIPELINED_APPENDS); later ones
      // stay queued for the next transaction.
      if (appends.length >= PIPELINED_APPENDS) break;
      message = receiveMessageOnPort(port)?.message as ToWriter | undefined;
    }
    if (appends.length > 0 || snapshots.length > 0) {
      let outcomes: AppendOutcome[];
      try {
        outcomes = appendBatch(appends, snapshots);
      } catch (error) {
        outcomes = appends.map(() => ({ kind: 'failed', message: String(error) }));
      }
      const encoded = encodeOutcomes(ids, outcomes);
      port.postMessage({ kind: 'written', outcomes: encoded } satisfies FromWriter, [
        encoded.numbers.buffer,
      ]);
    }
    if (closing) {
      db.close();
      send({ kind: 'closed' });
      port.close();
    }
  });
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'open-failed', message: String(error) });
}
