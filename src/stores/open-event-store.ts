import path from 'node:path';
import type { EventStore } from './event-store.js';
import type { SnapshotStore } from './snapshot-store.js';
import { upcastingEventStore } from './upcasting-event-store.js';

export interface OpenedEventStore {
  /** Reads give every event in its type's current shape (see events/upcasters). */
  readonly eventStore: EventStore;
  readonly snapshots: SnapshotStore | undefined;
  /** Where the log lives, for logs and readiness (no credentials). */
  readonly description: string;
}

/**
 * KurrentDB when a URL is configured, otherwise the embedded SQLite store in
 * the data directory. Adapters are imported lazily so the embedded runtime
 * never loads the gRPC client and vice versa. Either is wrapped so that
 * stored events of older schema versions are upcast as they are read: the one
 * place where stored events enter the command side, processes and read models.
 */
export async function openEventStore(options: {
  readonly eventStoreUrl: string | undefined;
  readonly dataDir: string;
}): Promise<OpenedEventStore> {
  if (options.eventStoreUrl) {
    const { KurrentDBEventStore } = await import('./kurrentdb/kurrentdb-event-store.js');
    const { redact } = await import('./kurrentdb/kurrentdb-connection.js');
    return {
      eventStore: upcastingEventStore(KurrentDBEventStore.connect(options.eventStoreUrl)),
      snapshots: undefined,
      description: `KurrentDB at ${redact(options.eventStoreUrl)}`,
    };
  }
  const { SqliteEventStore } = await import('./sqlite/sqlite-event-store.js');
  const store = await SqliteEventStore.open({ dataDir: options.dataDir });
  return {
    eventStore: upcastingEventStore(store),
    snapshots: store,
    description: `embedded SQLite at ${path.join(options.dataDir, 'events.sqlite')}`,
  };
}
