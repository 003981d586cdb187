import { lineChart, type Chart } from '../lib/charts.js';
import { formatCount, formatMs, formatRatio, passFail } from '../lib/format.js';
import { markdownTable } from '../lib/markdown-table.js';
import { median, medianOf } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { AppendRun, ThroughputRun } from './append/measurements.js';
import { measureCeiling, measureFloor } from './append/raw-sqlite.js';
import { measureStore } from './append/store-writers.js';

interface AppendConfig {
  readonly rounds: number;
  readonly writerCounts: readonly number[];
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly ceilingEvents: number;
}

/** One round measures everything once, side by side, each on a fresh database. */
interface AppendRound {
  readonly ceiling: ThroughputRun;
  readonly floor: AppendRun;
  readonly store: readonly (AppendRun & { readonly writers: number })[];
}

interface Median {
  readonly eventsPerSecond: number;
  readonly minEventsPerSecond: number;
  readonly maxEventsPerSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

export interface AppendResults {
  readonly config: AppendConfig;
  readonly rounds: readonly AppendRound[];
  readonly medians: {
    readonly ceiling: Median;
    readonly floor: Median;
    readonly store: readonly (Median & { readonly writers: number })[];
  };
  readonly targets: readonly Target[];
}

interface Target {
  readonly name: string;
  readonly required: string;
  readonly measured: string;
  readonly pass: boolean;
}

const TARGET_EVENTS_PER_SECOND = 50_000;
const TARGET_FLOOR_RATIO = 10;

const configFor = (quick: boolean): AppendConfig =>
  quick
    ? {
        rounds: 2,
        writerCounts: [1, 16, 64],
        warmupMs: 100,
        durationMs: 300,
        ceilingEvents: 10_000,
      }
    : {
        rounds: 5,
        writerCounts: [1, 16, 64],
        warmupMs: 300,
        durationMs: 2_500,
        ceilingEvents: 100_000,
      };

async function measureRound(config: AppendConfig, context: SuiteContext): Promise<AppendRound> {
  const ceiling = await withTempDir(async (dir) => measureCeiling(dir, config.ceilingEvents, 64));
  context.log(`ceiling ${formatCount(ceiling.eventsPerSecond)} events/s`);
  const floor = await withTempDir(async (dir) => measureFloor(dir, config.durationMs));
  context.log(`floor ${formatCount(floor.eventsPerSecond)} events/s`);
  const store = [];
  for (const writers of config.writerCounts) {
    const run = await withTempDir((dir) =>
      measureStore(dir, writers, config.warmupMs, config.durationMs),
    );
    context.log(`store@${writers} ${formatCount(run.eventsPerSecond)} events/s`);
    store.push({ writers, ...run });
  }
  return { ceiling, floor, store };
}

function medianRun(runs: readonly (ThroughputRun & Partial<AppendRun>)[]): Median {
  const rates = runs.map((r) => r.eventsPerSecond);
  const latencies = runs.every((r) => r.p50Ms !== undefined && r.p99Ms !== undefined)
    ? { p50Ms: medianOf(runs, (r) => r.p50Ms ?? 0), p99Ms: medianOf(runs, (r) => r.p99Ms ?? 0) }
    : {};
  return {
    eventsPerSecond: median(rates),
    minEventsPerSecond: Math.min(...rates),
    maxEventsPerSecond: Math.max(...rates),
    ...latencies,
  };
}

function targetsFor(store64: Median | undefined, floor: Median): Target[] {
  const rate = store64?.eventsPerSecond ?? Number.NaN;
  const ratio = rate / floor.eventsPerSecond;
  return [
    {
      name: 'durable events/s, 64 writers',
      required: `>= ${formatCount(TARGET_EVENTS_PER_SECOND)}`,
      measured: formatCount(rate),
      pass: rate >= TARGET_EVENTS_PER_SECOND,
    },
    {
      name: 'store@64 / naive floor',
      required: `>= ${formatRatio(TARGET_FLOOR_RATIO)}`,
      measured: formatRatio(ratio),
      pass: ratio >= TARGET_FLOOR_RATIO,
    },
  ];
}

async function run(context: SuiteContext): Promise<AppendResults> {
  const config = configFor(context.quick);
  const rounds: AppendRound[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    context.log(`round ${round}/${config.rounds}`);
    rounds.push(await measureRound(config, context));
  }
  const floor = medianRun(rounds.map((r) => r.floor));
  const store = config.writerCounts.map((writers) => ({
    writers,
    ...medianRun(rounds.flatMap((r) => r.store.filter((s) => s.writers === writers))),
  }));
  return {
    config,
    rounds,
    medians: { ceiling: medianRun(rounds.map((r) => r.ceiling)), floor, store },
    targets: targetsFor(
      store.find((s) => s.writers === 64),
      floor,
    ),
  };
}

function render(results: AppendResults): string {
  const { config, medians } = results;
  const seconds = (config.durationMs / 1000).toFixed(1);
  const row = (name: string, m: Median) => [
    name,
    formatCount(m.eventsPerSecond),
    `${formatCount(m.minEventsPerSecond)}–${formatCount(m.maxEventsPerSecond)}`,
    m.p50Ms === undefined ? '–' : formatMs(m.p50Ms),
    m.p99Ms === undefined ? '–' : formatMs(m.p99Ms),
  ];
  const figures = markdownTable(
    ['Measurement', 'Events/s (median)', 'Events/s (min–max)', 'p50 ms', 'p99 ms'],
    [
      ...medians.store.map((m) =>
        row(`store, ${m.writers} writer${m.writers === 1 ? '' : 's'}`, m),
      ),
      row('naive floor: 1 transaction per append', medians.floor),
      row(`ceiling: ${formatCount(config.ceilingEvents)} inserts, 1 transaction`, medians.ceiling),
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
  const store64 = medians.store.find((s) => s.writers === 64)?.eventsPerSecond ?? Number.NaN;
  const ratios = markdownTable(
    ['Ratio (medians of this run)', 'Value'],
    [
      ['store@64 / naive floor', formatRatio(store64 / medians.floor.eventsPerSecond)],
      ['store@64 / ceiling', formatRatio(store64 / medians.ceiling.eventsPerSecond)],
    ],
    ['left', 'right'],
  );
  const targets = markdownTable(
    ['Target', 'Required', 'Measured', 'Result'],
    results.targets.map((t) => [t.name, t.required, t.measured, passFail(t.pass)]),
    ['left', 'right', 'right', 'left'],
  );
  return [
    `Durable appends (fsync'd before they resolve) to the embedded SQLite store. Each writer owns one stream and appends one event at a time with its exact expected revision, awaiting each append; writers run concurrently for ${seconds} s after a ${config.warmupMs} ms warm-up. Latency is per append. Beside it, on the same disk, events table and pragmas (WAL, \`synchronous=FULL\`), straight better-sqlite3 on the main thread: the _naive floor_ (sequential appends, one transaction each: revision check, insert, with a unique index on (stream, revision) updated as each event goes in) and the _ceiling_ (prepared rows inserted into the events table in one transaction). Median of ${config.rounds} rounds; every round measures all rows side by side, each on a fresh database.`,
    figures,
    ratios,
    targets,
  ].join('\n\n');
}

function charts(results: AppendResults): Chart[] {
  const { medians } = results;
  const rows = medians.store.flatMap((m) => [
    { writers: m.writers, series: 'store (group commit)', eps: Math.round(m.eventsPerSecond) },
    { writers: m.writers, series: 'naive floor', eps: Math.round(medians.floor.eventsPerSecond) },
    {
      writers: m.writers,
      series: 'ceiling (raw inserts)',
      eps: Math.round(medians.ceiling.eventsPerSecond),
    },
  ]);
  return [
    lineChart(
      'throughput-vs-writers',
      'Durable appends versus concurrent writers (log scale)',
      rows,
      {
        x: { field: 'writers', title: 'concurrent writers', log: true },
        y: { field: 'eps', title: 'events/s', log: true },
        series: { field: 'series', title: '' },
      },
    ),
  ];
}

export const appendThroughput: Suite<AppendResults> = {
  name: 'append',
  title: 'Durable append throughput',
  run,
  render,
  charts,
};
