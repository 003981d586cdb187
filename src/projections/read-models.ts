import { filter, firstValueFrom } from 'rxjs';
import type { EventStore, Position, RecordedEvent } from '../stores/event-store.js';
import { parsePosition } from '../stores/position.js';
import type { ReadStore } from '../stores/read-store.js';
import { catalogProjection } from './catalog/catalog-projection.js';
import { DEAD_LETTERS, deadLetterIndexes } from './dead-letters.js';
import { ordersProjection } from './orders/orders-projection.js';
import type { Projection } from './projection.js';
import { startProjection, type RunningProjection } from './projection-runner.js';
import { recommendationsProjection } from './recommendations/recommendations-projection.js';
import { salesProjection } from './sales/sales-projection.js';
import { searchProjection } from './search/search-projection.js';
import type { CatchUpStores } from './threads/catch-up-messages.js';
import { startCatchUpThread, type CatchUpThread } from './threads/catch-up-thread.js';
import { startReadModelThread } from './threads/read-model-thread.js';
import { threadBackedProjection } from './threads/thread-backed-projection.js';

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
  /** The read models that started far enough behind to catch up on threads of their own. */
  readonly threaded: ReadonlySet<string>;
  /** Resolves once the named read model has applied everything up to `position`. */
  waitFor(name: string, position: Position, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Log positions a read model may be behind before it catches up on a thread of its own. */
export const THREAD_CATCH_UP_LAG = 100_000;

export interface ThreadedCatchUp {
  /** How the threads reach the same stores as the engine. */
  readonly stores: CatchUpStores;
  /** Positions behind the head from which a read model catches up on a thread; THREAD_CATCH_UP_LAG by default. */
  readonly minLag?: number;
}

/**
 * Creates the read models' indexes and starts one runner per projection.
 * With `threads`, each read model far behind the head first catches up on a
 * worker thread of its own (its own store connections and runner, holding
 * the projection's lease, so the read models are rebuilt on every core
 * instead of one, and the main thread stays free for requests). Meanwhile a
 * stand-in reports the thread's progress and answers `waitFor`; once every
 * thread is done, the ordinary runners take over and follow the log. With
 * `threads` those run on one more thread (see read-model-thread.ts), so that
 * applying the log never holds up requests; without, on this one.
 */
export async function startReadModels(options: {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly holder: string;
  readonly onError?: (projection: string, error: unknown, event?: RecordedEvent) => void;
  readonly threads?: ThreadedCatchUp;
}): Promise<ReadModels> {
  await options.readStore.ensureIndexes(DEAD_LETTERS, deadLetterIndexes);
  for (const projection of PROJECTIONS) {
    for (const collection of projection.collections) {
      await options.readStore.ensureIndexes(collection.name, collection.indexes);
    }
  }
  const threads = options.threads ? await startThreads(options, options.threads) : new Map();
  const live = options.threads
    ? startReadModelThread(
        { holder: options.holder, stores: options.threads.stores },
        (name, error, event) => options.onError?.(name ?? 'read models thread', error, event),
      )
    : undefined;
  const start = (projection: Projection) =>
    live
      ? live.start(projection.name)
      : startProjection(projection, {
          eventStore: options.eventStore,
          readStore: options.readStore,
          holder: options.holder,
          onError: (error, event) => options.onError?.(projection.name, error, event),
        });
  const threadsEnded = Promise.all([...threads.values()].map((t) => t.ended));
  const running = new Map(
    PROJECTIONS.map((projection): [string, RunningProjection] => {
      const thread = threads.get(projection.name);
      return [
        projection.name,
        thread
          ? threadBackedProjection({
              projection,
              eventStore: options.eventStore,
              readStore: options.readStore,
              thread,
              handOverAfter: threadsEnded,
              start: () => start(projection),
              onError: (error) => options.onError?.(projection.name, error),
            })
          : start(projection),
      ];
    }),
  );
  // As a runner here would have, before the engine answers requests (readiness
  // needs every read model started): one on the thread starts once the thread
  // has opened its stores and asked for the lease.
  if (live) {
    await Promise.all(
      [...running.values()].map((runner) =>
        firstValueFrom(runner.states.pipe(filter((state) => state !== 'starting')), {
          defaultValue: 'stopped' as const,
        }),
      ),
    );
  }
  return {
    running,
    threaded: new Set(threads.keys()),
    waitFor(name, position, timeoutMs) {
      const projection = running.get(name);
      if (!projection) return Promise.reject(new Error(`No read model named ${name}`));
      return projection.waitFor(position, timeoutMs);
    },
    async stop() {
      await Promise.all([...running.values()].map((p) => p.stop()));
      await live?.close();
    },
  };
}

/** A catch-up thread for each read model far enough behind. */
async function startThreads(
  options: Parameters<typeof startReadModels>[0],
  { stores, minLag = THREAD_CATCH_UP_LAG }: ThreadedCatchUp,
): Promise<Map<string, CatchUpThread>> {
  const threads = new Map<string, CatchUpThread>();
  const head = await options.eventStore.headPosition();
  if (head === undefined) return threads;
  for (const projection of PROJECTIONS) {
    const checkpoint = await options.readStore.checkpoint(projection.name);
    const behind = parsePosition(head)[0] - (checkpoint ? parsePosition(checkpoint)[0] : 0n);
    if (behind < BigInt(minLag)) continue;
    const holder = `${options.holder}:catch-up`;
    const thread = startCatchUpThread(
      { projection: projection.name, holder, stores },
      (error, position) =>
        options.onError?.(
          projection.name,
          position === undefined ? error : new Error(`${error.message} (event at ${position})`),
        ),
    );
    threads.set(projection.name, thread);
  }
  return threads;
}
