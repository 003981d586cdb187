import { listCatalog } from '../../../src/projections/catalog/catalog-queries.js';
import { catalogSorts } from '../../../src/projections/catalog/catalog-sorts.js';
import { orderQueries } from '../../../src/projections/orders/order-queries.js';
import { salesQueries } from '../../../src/projections/sales/sales-queries.js';
import { searchProducts } from '../../../src/projections/search/search-queries.js';
import type { ReadStore } from '../../../src/stores/read-store.js';
import { percentile } from '../../lib/stats.js';
import { CATEGORIES, SEARCH_WORDS } from './product-data.js';
import { Random } from './random.js';

export const QUERIES = ['catalog', 'search', 'history', 'sales'] as const;
export type QueryName = (typeof QUERIES)[number];

export const QUERY_DESCRIPTIONS: Readonly<Record<QueryName, string>> = {
  catalog: '`listCatalog`: first page (20) of a random category, in a random one of the 5 sorts',
  search:
    "`searchProducts`: a random 3–6 letter prefix of a catalogue word, facets `['category', 'price']`, first page (20)",
  history: "`historyOf`: a random customer's first page (20) of orders, newest first",
  sales: '`salesReport`: a random 30-day range (`from` to `from` + 29 days), granularity `month`',
};

/** What the parameters are drawn from. */
export interface QueryParameters {
  readonly customers: readonly string[];
  /** Days with sales, from the first to the last. */
  readonly firstDay: string;
  readonly lastDay: string;
}

const DAY_MS = 86_400_000;
const dayAfter = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** A call with fresh random parameters; resolves with the size of its answer (items or rows). */
type Call = () => Promise<number>;

/** Makes the next call of a query: parameters drawn outside the timed part. */
export function queryCalls(
  store: ReadStore,
  parameters: QueryParameters,
  random: Random,
): Record<QueryName, () => Call> {
  const orders = orderQueries(store);
  const sales = salesQueries(store);
  const span = Math.max(
    1,
    Math.round((Date.parse(parameters.lastDay) - Date.parse(parameters.firstDay)) / DAY_MS) - 28,
  );
  return {
    catalog: () => {
      const category = random.pick(CATEGORIES);
      const sort = random.pick(catalogSorts);
      return async () => (await listCatalog(store, { category, sort, limit: 20 })).items.length;
    },
    search: () => {
      const word = random.pick(SEARCH_WORDS);
      const q = word.slice(0, random.between(3, Math.min(6, word.length)));
      return async () =>
        (await searchProducts(store, { q, facets: ['category', 'price'], limit: 20 })).total;
    },
    history: () => {
      const customer = random.pick(parameters.customers);
      return async () => (await orders.historyOf(customer, { limit: 20 })).items.length;
    },
    sales: () => {
      const from = dayAfter(parameters.firstDay, random.int(span));
      const to = dayAfter(from, 29);
      return async () => (await sales.salesReport({ from, to, granularity: 'month' })).length;
    },
  };
}

export interface QueryRun {
  readonly query: QueryName;
  readonly samples: number;
  readonly warmups: number;
  /** Sampling stopped at the time budget before the wanted number of samples. */
  readonly budgetHit: boolean;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Mean answer size: items (catalog, history), matches in all (search), rows (sales). */
  readonly meanAnswer: number;
}

export interface Sampling {
  readonly samples: number;
  readonly warmupCalls: number;
  readonly warmupSeconds: number;
  readonly budgetSeconds: number;
}

/**
 * Times one query: up to `warmupCalls` calls (or `warmupSeconds`) not
 * counted, then `samples` calls or as many as fit in `budgetSeconds`,
 * one after another, each with new random parameters.
 */
export async function timeQuery(
  query: QueryName,
  next: () => Call,
  sampling: Sampling,
): Promise<QueryRun> {
  const warmupEnd = performance.now() + sampling.warmupSeconds * 1000;
  let warmups = 0;
  while (warmups < sampling.warmupCalls && (warmups === 0 || performance.now() < warmupEnd)) {
    await next()();
    warmups++;
  }
  const latencies: number[] = [];
  let answers = 0;
  const deadline = performance.now() + sampling.budgetSeconds * 1000;
  while (
    latencies.length < sampling.samples &&
    (latencies.length === 0 || performance.now() < deadline)
  ) {
    const call = next();
    const startedAt = performance.now();
    answers += await call();
    latencies.push(performance.now() - startedAt);
  }
  return {
    query,
    samples: latencies.length,
    warmups,
    budgetHit: latencies.length < sampling.samples,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    meanAnswer: answers / latencies.length,
  };
}

/** Runs calls of `query` for about `seconds` (at least one), for a profile. */
export async function callFor(next: () => Call, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let calls = 0;
  while (calls === 0 || performance.now() < deadline) {
    await next()();
    calls++;
  }
  return calls;
}

export const seededRandom = (seed: number) => new Random(seed);
