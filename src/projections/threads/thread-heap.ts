import type { ResourceLimits } from 'node:worker_threads';

/**
 * The heap of a thread that applies projections. A catch-up batch keeps its
 * documents until it commits, so they outlive V8's default young generation
 * (16 MiB semispaces) and are copied again on every scavenge until promoted.
 * Semispaces of 64 MiB (a young generation of 192 MiB) took catch-up of a
 * 1,000,000-event log 10 to 25% less time per read model (orders 12.3-13.5 s
 * -> 9.8-10.6 s, sales 6.1 -> 4.8 s), measured side by side, and all five
 * together on their catch-up threads 54.8 -> 48.5 s; 128 MiB was no better. The engine's main thread gets the same through `npm start`
 * (`--max-semi-space-size=64`).
 */
export const PROJECTION_THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 3 * 64 };
