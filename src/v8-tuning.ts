import v8 from 'node:v8';

/**
 * V8 settings the engine runs with, set at start before it serves.
 *
 * Allocation-site pretenuring: once some objects from an allocation site have
 * outlived a young-generation collection, V8 allocates that site's objects in
 * the old generation. A read query's objects (parsed documents, query plans)
 * live well under a millisecond, yet after a while they were all tenured:
 * every young collection then had to scan them, and the query it interrupted
 * (about 1 in 100) took 3 to 15 ms instead of 0.2. Turned off, a customer's
 * order history p99 fell from 2.9 to 0.6 ms on a small read store; catch-up
 * throughput did not change.
 */
export function tuneV8(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}

/**
 * Flags `npm start` gives node, which V8 reads only as the process starts
 * (setting them from `tuneV8` has no effect). Semispaces of 64 MiB: a
 * projection's catch-up batch keeps its documents until it commits, and with
 * the default 16 MiB they were copied on every scavenge until promoted; see
 * projections/threads/thread-heap.ts, which gives worker threads the same.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
