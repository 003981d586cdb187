import type { Histogram } from 'prom-client';
import {
  WrongExpectedRevisionError,
  streamCategory,
  type EventStore,
} from '../stores/event-store.js';
import type { AppendLabel } from './engine-metrics.js';

/** The event store with every append timed, by stream category and outcome. */
export function timedEventStore(store: EventStore, appends: Histogram<AppendLabel>): EventStore {
  return {
    ...(store.appendsInCallOrder ? { appendsInCallOrder: true } : {}),
    async appendToStream(streamId, events, options) {
      const end = appends.startTimer({ category: streamCategory(streamId) });
      try {
        const result = await store.appendToStream(streamId, events, options);
        end({ outcome: 'ok' });
        return result;
      } catch (error) {
        end({
          outcome:
            error instanceof WrongExpectedRevisionError ? 'wrong_expected_revision' : 'error',
        });
        throw error;
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    listStreams: (options) => store.listStreams(options),
    streamRevision: (streamId) => store.streamRevision(streamId),
    headPosition: () => store.headPosition(),
    subscribeToAll: (options) => store.subscribeToAll(options),
    close: () => store.close(),
  };
}
