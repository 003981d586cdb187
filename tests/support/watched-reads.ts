import type { EventStore, ReadAllOptions } from '../../src/stores/event-store.js';

/**
 * The store with every `readAll` call it gets recorded; the `failAt`-th call
 * (counting from 1), when given, fails instead of reading.
 */
export function watchReads(
  store: EventStore,
  failAt?: number,
): { readonly store: EventStore; readonly reads: ReadAllOptions[] } {
  const reads: ReadAllOptions[] = [];
  const watched = Object.create(store) as EventStore;
  watched.readAll = (options: ReadAllOptions = {}) => {
    reads.push(options);
    if (reads.length === failAt) return Promise.reject(new Error('read failed'));
    return store.readAll(options);
  };
  return { store: watched, reads };
}
