import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import { formatCount, formatMs, passFail } from '../lib/format.js';
import { markdownTable } from '../lib/markdown-table.js';
import { medianOf } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { ProfileSummary } from './place-order/cpu-profile.js';
import {
  collectionSizes,
  meanSalesProducts,
  readStoreBytes,
  type CollectionSize,
} from './read-side/collection-sizes.js';
import type { LogShape } from './read-side/commerce-log.js';
import { profileWhile } from './read-side/cpu-profiler.js';
import {
  areaLine,
  inclusiveTable,
  PROFILE_NOTES,
  selfTable,
  topOf,
} from './read-side/profile-tables.js';
import {
  callFor,
  QUERIES,
  QUERY_DESCRIPTIONS,
  queryCalls,
  seededRandom,
  timeQuery,
  type QueryName,
  type QueryRun,
  type Sampling,
} from './read-side/query-timings.js';
import { checkBuilder, type BuilderCheck } from './read-side/builder-check.js';
import { buildReadModels } from './read-side/read-model-builder.js';

interface QueriesConfig extends Sampling {
  readonly shape: LogShape & { readonly maxOrders: number };
  readonly runs: number;
  /** Seconds of calls profiled per query that misses its target (0: never). */
  readonly profileSeconds: number;
}

interface Build {
  readonly seconds: number;
  readonly events: number;
  readonly orders: number;
  readonly days: number;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly customersWithOrders: number;
  readonly collections: readonly CollectionSize[];
  readonly bytes: number;
  /** Product buckets in a sales day document, on average. */
  readonly salesProductsPerDay: number;
}

interface QueryMedian {
  readonly query: QueryName;
  /** Over all runs. */
  readonly samples: number;
  readonly budgetHit: boolean;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanAnswer: number;
  readonly pass: boolean;
}

interface ProfiledQuery {
  readonly query: QueryName;
  readonly calls: number;
  readonly profile: ProfileSummary;
}

export interface QueriesResults {
  readonly config: QueriesConfig;
  readonly check: BuilderCheck;
  readonly build: Build;
  readonly runs: readonly (readonly QueryRun[])[];
  readonly medians: readonly QueryMedian[];
  readonly profiled?: readonly ProfiledQuery[];
}

const TARGET_P99_MS = 10;
const COLLECTIONS = ['catalog', 'search', 'search_stock', 'orders', 'sales', 'sales_totals'];
const WEEKDAY_MEAN = 1.05;

function configFor(quick: boolean): QueriesConfig {
  const products = quick ? 5_000 : 100_000;
  const orders = quick ? 50_000 : 1_000_000;
  return {
    shape: {
      seed: 20_250_701,
      products,
      customers: orders / 5,
      ordersPerDay: Math.round(orders / 365 / WEEKDAY_MEAN),
      start: '2025-07-01',
      productSkew: 0.8,
      maxOrders: orders,
    },
    runs: quick ? 2 : 3,
    samples: 1_000,
    warmupCalls: 50,
    warmupSeconds: quick ? 2 : 5,
    budgetSeconds: quick ? 10 : 40,
    profileSeconds: quick ? 3 : 15,
  };
}

async function measure(
  store: EmbeddedReadStore,
  dataDir: string,
  config: QueriesConfig,
  context: SuiteContext,
): Promise<QueriesResults> {
  const check = await withTempDir((dir) => checkBuilder(dir, COLLECTIONS));
  const compared = Object.values(check.documents).reduce((a, b) => a + b, 0);
  context.log(`builder check: ${compared} documents compared, ${check.differences} differ`);
  if (check.differences > 0) {
    throw new Error(
      `The read-model builder disagrees with the runners on ${check.differences} documents`,
    );
  }
  context.log(
    `building the read models: ${formatCount(config.shape.products)} products, ${formatCount(config.shape.maxOrders)} orders`,
  );
  const built = await buildReadModels(store, config.shape, context.log);
  const build: Build = {
    seconds: built.seconds,
    events: built.events,
    orders: built.orders,
    days: built.days,
    firstDay: built.firstDay,
    lastDay: built.lastDay,
    customersWithOrders: built.customersWithOrders.length,
    collections: collectionSizes(dataDir, COLLECTIONS),
    bytes: await readStoreBytes(dataDir),
    salesProductsPerDay: meanSalesProducts(dataDir),
  };
  context.log(`built in ${build.seconds.toFixed(0)} s: ${formatCount(build.bytes / 1e6)} MB`);
  const parameters = {
    customers: built.customersWithOrders,
    firstDay: built.firstDay,
    lastDay: built.lastDay,
  };
  const runs: QueryRun[][] = [];
  for (let run = 1; run <= config.runs; run++) {
    const calls = queryCalls(store, parameters, seededRandom(run));
    const measured: QueryRun[] = [];
    for (const query of QUERIES) {
      const timed = await timeQuery(query, calls[query], config);
      context.log(
        `run ${run}/${config.runs} ${query}: ${timed.samples} samples, p50 ${formatMs(timed.p50Ms)} ms, p99 ${formatMs(timed.p99Ms)} ms`,
      );
      measured.push(timed);
    }
    runs.push(measured);
  }
  const medians = QUERIES.map((query): QueryMedian => {
    const same = runs.flat().filter((r) => r.query === query);
    const p99Ms = medianOf(same, (r) => r.p99Ms);
    return {
      query,
      samples: same.reduce((sum, r) => sum + r.samples, 0),
      budgetHit: same.some((r) => r.budgetHit),
      p50Ms: medianOf(same, (r) => r.p50Ms),
      p99Ms,
      maxMs: Math.max(...same.map((r) => r.maxMs)),
      meanAnswer: medianOf(same, (r) => r.meanAnswer),
      pass: p99Ms <= TARGET_P99_MS,
    };
  });
  const failing = medians.filter((m) => !m.pass).map((m) => m.query);
  let profiled: ProfiledQuery[] | undefined;
  if (failing.length > 0 && config.profileSeconds > 0) {
    profiled = [];
    const calls = queryCalls(store, parameters, seededRandom(1_000));
    for (const query of failing) {
      const { result, summary } = await profileWhile(
        () => callFor(calls[query], config.profileSeconds),
        15,
      );
      context.log(`profiled ${query}: ${result} calls`);
      profiled.push({ query, calls: result, profile: topOf(summary, 12) });
    }
  }
  return { config, check, build, runs, medians, ...(profiled && { profiled }) };
}

const millions = (n: number) => (n >= 1e7 ? (n / 1e6).toFixed(0) : (n / 1e6).toFixed(1));
const kb = (bytes: number) =>
  bytes >= 10_000 ? formatCount(bytes / 1000) : (bytes / 1000).toFixed(1);

function render(results: QueriesResults): string {
  const { config, build, medians, check } = results;
  const compared = Object.values(check.documents).reduce((a, b) => a + b, 0);
  const { shape } = config;
  const sizes = markdownTable(
    ['Collection', 'Documents', 'Mean document KB', 'Largest document KB'],
    build.collections.map((c) => [
      `\`${c.collection}\``,
      formatCount(c.documents),
      kb(c.meanBytes),
      kb(c.maxBytes),
    ]),
    ['left', 'right', 'right', 'right'],
  );
  const answer = (m: QueryMedian) =>
    m.query === 'search'
      ? `${formatCount(m.meanAnswer)} matches`
      : m.query === 'sales'
        ? `${m.meanAnswer.toFixed(1)} rows`
        : `${m.meanAnswer.toFixed(1)} items`;
  const latencies = markdownTable(
    [
      'Query',
      'Samples (all runs)',
      'p50 ms',
      'p99 ms',
      'max ms',
      'Mean answer',
      `p99 <= ${TARGET_P99_MS} ms`,
    ],
    medians.map((m) => [
      QUERY_DESCRIPTIONS[m.query],
      `${formatCount(m.samples)}${m.budgetHit ? ' (time budget)' : ''}`,
      formatMs(m.p50Ms),
      formatMs(m.p99Ms),
      formatMs(m.maxMs),
      answer(m),
      passFail(m.pass),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
  const limited = medians.filter((m) => m.budgetHit);
  const salesProducts = build.salesProductsPerDay;
  const parts = [
    `Latency of the read side's queries, called in-process (no HTTP) on the embedded read store: the same functions the API routes call, each call awaited on its own (one at a time), with random parameters (seeded) drawn outside the timed part. Per run and query: ${config.warmupCalls} warm-up calls (at most ${config.warmupSeconds} s) not counted, then ${formatCount(config.samples)} samples or as many as fit in ${config.budgetSeconds} s. p50 and p99 are the median over ${config.runs} runs of each run's nearest-rank percentile; max is the slowest call of all runs.`,
    `**The read models** hold ${formatCount(shape.products)} products and ${formatCount(build.orders)} orders of ${formatCount(build.customersWithOrders)} customers, placed from ${shape.start} over a year (sales days ${build.firstDay} to ${build.lastDay}), from the same seeded shop simulation as the projections suite (Zipf(${shape.productSkew}) product popularity, 1–4 lines per order, confirmations, rejections, cancellations, shipping, delivery, refunds, reviews). They were **not built by projecting a log**, which is not practical at this size: the shop's full log would be about ${millions(build.orders * 11.3)} million events (about 11 per order, as in the projections suite), which the runners would take a long while to catch up (projections suite), and \`sales\` copies its day's product buckets (${formatCount(salesProducts)} per day on average here) for every confirmation. Instead the builder (bench/suites/read-side/read-model-builder.ts) applies the simulated events in log order in this process with each projection's own \`keys\`/\`apply\` and the runner's \`_id\`/\`_position\` stamping (\`sales\`: the same day buckets summed directly), and **puts the documents in through \`readStore.commit\` in batches of 20,000**. It generated ${formatCount(build.events)} events: the types these four models read, less the inventory events, whose only effect here, once every order has settled, is the stock counters (on hand, available, units sold); those are set from the simulation's final stock instead. Checked at the start of every run on a small shop (${formatCount(check.orders)} orders, a ${formatCount(check.logEvents)}-event full log appended to an event store and caught up by the real runners): all ${formatCount(compared)} documents of their collections come out identical, log positions aside (the builder's log is shorter). Indexes are the projections' own. Build: ${build.seconds.toFixed(0)} s; read store ${formatCount(build.bytes / 1e6)} MB.`,
    sizes,
    latencies,
  ];
  if (limited.length > 0) {
    parts.push(
      `${limited.map((m) => `\`${m.query}\``).join(' and ')} reached the ${config.budgetSeconds} s budget before ${formatCount(config.samples)} samples (${limited.map((m) => `${m.query}: ${formatCount(m.samples)} in all, each call about ${formatMs(m.p50Ms)} ms`).join('; ')}): more samples would not change the verdict, and ${formatCount(config.samples)} would take ${limited.map((m) => `${m.query} ${Math.round((config.samples * m.p50Ms) / 60_000)} minutes`).join(', ')} per run. With fewer than 100 samples in a run, its p99 is its slowest call.`,
    );
  }
  if (results.profiled) {
    parts.push(
      `### Where the time goes (CPU profiles)`,
      `Each query over its target was called again (not counted above) for about ${config.profileSeconds} s with new random parameters under ${PROFILE_NOTES}`,
    );
    for (const p of results.profiled) {
      parts.push(
        `#### \`${p.query}\`: ${formatCount(p.calls)} calls, main thread busy ${formatCount(p.profile.busyMs)} of ${formatCount(p.profile.wallMs)} ms\n\nBy area: ${areaLine(p.profile)}.`,
        selfTable(p.profile, 8),
        inclusiveTable(p.profile, 8),
      );
    }
  }
  return parts.join('\n\n');
}

export const queries: Suite<QueriesResults> = {
  name: 'queries',
  title: 'Read-side query latency',
  run: (context) =>
    withTempDir(async (dataDir) => {
      const store = await EmbeddedReadStore.open({ dataDir });
      try {
        return await measure(store, dataDir, configFor(context.quick), context);
      } finally {
        await store.close();
      }
    }),
  render,
};
