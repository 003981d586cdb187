import type { Suite } from '../lib/suite.js';
import { appendThroughput } from './append-throughput.js';
import { commandHandling } from './command-handling.js';
import { placeOrder } from './place-order.js';
import { projections } from './projections.js';
import { queries } from './queries.js';
import { rebuild } from './rebuild.js';
import { soak } from './soak.js';

/** Every suite, in the order of BENCHMARKS.md. A new benchmark is a module listed here. */
export const suites: readonly Suite<unknown>[] = [
  appendThroughput,
  commandHandling,
  placeOrder,
  projections,
  queries,
  rebuild,
  soak,
];
