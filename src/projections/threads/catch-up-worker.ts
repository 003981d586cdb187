import { parentPort, workerData } from 'node:worker_threads';
import { openEventStore } from '../../stores/open-event-store.js';
import { openReadStore } from '../../stores/open-read-store.js';
import { startProjection } from '../projection-runner.js';
import { PROJECTIONS } from '../read-models.js';
import type { CatchUpWorkerData, FromCatchUpThread, ToCatchUpThread } from './catch-up-messages.js';

/**
 * A projection's catch-up on a thread of its own: its own connections to the
 * stores and the ordinary runner, which takes the projection's lease. It
 * stops once everything up to the head it saw at start is applied, or when
 * told to; the engine then starts its own runner, which follows the log from
 * the checkpoint (see thread-backed-projection.ts).
 */

const port = parentPort!;
const { projection: name, holder, stores } = workerData as CatchUpWorkerData;
const post = (message: FromCatchUpThread) => port.postMessage(message);

const projection = PROJECTIONS.find((p) => p.name === name);
if (!projection) throw new Error(`No read model named ${name}`);

let stopRequested!: () => void;
const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
port.on('message', (message: ToCatchUpThread) => {
  if (message === 'stop') stopRequested();
});

const { eventStore } = await openEventStore({
  eventStoreUrl: stores.eventStoreUrl,
  dataDir: stores.eventStoreDir,
});
// Waiting for another thread's commit blocks only this thread: it may wait long.
const { readStore } = await openReadStore({
  mongoUrl: stores.mongoUrl,
  dataDir: stores.readStoreDir,
  busyTimeoutMs: 300_000,
});
try {
  const head = await eventStore.headPosition();
  const runner = startProjection(projection, {
    eventStore,
    readStore,
    holder,
    onError: (error, event) =>
      post({
        kind: 'error',
        message: error instanceof Error ? error.message : String(error),
        ...(event && { position: event.position }),
      }),
  });
  if (head !== undefined) {
    const DAY_MS = 86_400_000;
    await Promise.race([runner.waitFor(head, DAY_MS).catch(() => undefined), stopped]);
  }
  await runner.stop();
} finally {
  await readStore.close();
  await eventStore.close();
}
port.close();
