import { parentPort, workerData } from 'node:worker_threads';
import { startProjection } from '../projection-runner.js';
import { PROJECTIONS } from '../read-models.js';
import type { CatchUpWorkerData, FromCatchUpThread, ToCatchUpThread } from './catch-up-messages.js';
import { openThreadStores } from './thread-stores.js';

/**
 * A projection's catch-up on a thread of its own: its own connections to the
 * stores and the ordinary runner, which takes the projection's lease. It
 * stops once everything up to the head it saw at start is applied, or when
 * told to; the runner that follows the log then takes over from the
 * checkpoint (see thread-backed-projection.ts).
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

const { eventStore, readStore } = await openThreadStores(stores);
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
