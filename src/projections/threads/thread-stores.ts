import type { EventStore } from '../../stores/event-store.js';
import { openEventStore } from '../../stores/open-event-store.js';
import { openReadStore } from '../../stores/open-read-store.js';
import type { ReadStore } from '../../stores/read-store.js';
import type { CatchUpStores } from './catch-up-messages.js';

/**
 * A worker thread's own connections to the engine's stores. Waiting for
 * another thread's commit (a catch-up commit may hold the write lock for
 * seconds) blocks only the waiting thread, so it may wait long.
 */
export async function openThreadStores(
  stores: CatchUpStores,
): Promise<{ readonly eventStore: EventStore; readonly readStore: ReadStore }> {
  const { eventStore } = await openEventStore({
    eventStoreUrl: stores.eventStoreUrl,
    dataDir: stores.eventStoreDir,
  });
  try {
    const { readStore } = await openReadStore({
      mongoUrl: stores.mongoUrl,
      dataDir: stores.readStoreDir,
      busyTimeoutMs: 300_000,
      readCacheMiB: stores.readCacheMiB,
    });
    return { eventStore, readStore };
  } catch (error) {
    await eventStore.close();
    throw error;
  }
}
