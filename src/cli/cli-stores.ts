import os from 'node:os';
import { loadConfig, type Config } from '../config.js';
import { Operations } from '../ops/operations.js';
import { openEventStore, type OpenedEventStore } from '../stores/open-event-store.js';
import { openReadStore } from '../stores/open-read-store.js';

/** The configuration from the environment (DATA_DIR, EVENTSTORE_URL, MONGODB_URL, ...). */
export const cliConfig = (): Config => loadConfig(process.env);

/** Opens the configured event store for the work and closes it afterwards. */
export async function withEventStore<T>(
  work: (opened: OpenedEventStore, config: Config) => Promise<T>,
): Promise<T> {
  const config = cliConfig();
  const opened = await openEventStore(config);
  try {
    return await work(opened, config);
  } finally {
    await opened.eventStore.close();
  }
}

/** The operations facade over the configured stores, with no read model runners of its own. */
export async function withOperations<T>(work: (ops: Operations) => Promise<T>): Promise<T> {
  return withEventStore(async ({ eventStore, snapshots }, config) => {
    const { readStore } = await openReadStore(config);
    try {
      const holder = `cli:${os.hostname()}:${process.pid}`;
      return await work(
        new Operations({
          eventStore,
          readStore,
          holder,
          ...(snapshots ? { snapshots } : {}),
        }),
      );
    } finally {
      await readStore.close();
    }
  });
}
