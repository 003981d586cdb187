import type { EventStore, Position, RecordedEvent } from '../stores/event-store.js';
import type { ReadStore } from '../stores/read-store.js';
import { catalogProjection } from './catalog/catalog-projection.js';
import { DEAD_LETTERS, deadLetterIndexes } from './dead-letters.js';
import { ordersProjection } from './orders/orders-projection.js';
import type { Projection } from './projection.js';
import { startProjection, type RunningProjection } from './projection-runner.js';
import { recommendationsProjection } from './recommendations/recommendations-projection.js';
import { salesProjection } from './sales/sales-projection.js';
import { searchProjection } from './search/search-projection.js';

/** Every read model, by its public name (also the name of its main collection). */
export const PROJECTIONS: readonly Projection[] = [
  catalogProjection,
  ordersProjection,
  searchProjection,
  salesProjection,
  recommendationsProjection,
];

export interface ReadModels {
  readonly running: ReadonlyMap<string, RunningProjection>;
  /** Resolves once the named read model has applied everything up to `position`. */
  waitFor(name: string, position: Position, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Creates the read models' indexes and starts one runner per projection. */
export async function startReadModels(options: {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly holder: string;
  readonly onError?: (projection: string, error: unknown, event?: RecordedEvent) => void;
}): Promise<ReadModels> {
  await options.readStore.ensureIndexes(DEAD_LETTERS, deadLetterIndexes);
  for (const projection of PROJECTIONS) {
    for (const collection of projection.collections) {
      await options.readStore.ensureIndexes(collection.name, collection.indexes);
    }
  }
  const running = new Map(
    PROJECTIONS.map((projection) => [
      projection.name,
      startProjection(projection, {
        eventStore: options.eventStore,
        readStore: options.readStore,
        holder: options.holder,
        onError: (error, event) => options.onError?.(projection.name, error, event),
      }),
    ]),
  );
  return {
    running,
    waitFor(name, position, timeoutMs) {
      const projection = running.get(name);
      if (!projection) return Promise.reject(new Error(`No read model named ${name}`));
      return projection.waitFor(position, timeoutMs);
    },
    async stop() {
      await Promise.all([...running.values()].map((p) => p.stop()));
    },
  };
}
