import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { formatCount, formatMs } from '../lib/format.js';
import { markdownTable } from '../lib/markdown-table.js';
import { medianOf, type LatencySummary } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import { withTempDir } from '../lib/temp-dir.js';
import { SNAPSHOT_EVERY } from './handler/counter.js';
import {
  CONDITIONS,
  measureCondition,
  prepareStreams,
  type Condition,
  type StreamSet,
} from './handler/handler-timings.js';

interface HandlerConfig {
  readonly runs: number;
  readonly lengths: readonly number[];
  readonly samples: Readonly<Record<Condition, number>>;
  /** Streams are spread so that none grows by more than this share while measured. */
  readonly maxGrowth: number;
}

interface HandlerRun extends LatencySummary {
  readonly length: number;
  readonly condition: Condition;
}

interface HandlerMedian {
  readonly length: number;
  readonly condition: Condition;
  readonly streams: number;
  /** Fewest and most events a measured command read and folded. */
  readonly folded: readonly [number, number];
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface HandlerResults {
  readonly config: HandlerConfig;
  readonly runs: readonly (readonly HandlerRun[])[];
  readonly medians: readonly HandlerMedian[];
}

const configFor = (quick: boolean): HandlerConfig =>
  quick
    ? {
        runs: 2,
        lengths: [1_000, 2_000],
        samples: { cold: 10, snapshot: 10, warm: 20 },
        maxGrowth: 0.01,
      }
    : {
        runs: 5,
        lengths: [1_000, 10_000],
        samples: { cold: 100, snapshot: 100, warm: 300 },
        maxGrowth: 0.01,
      };

const streamCount = (config: HandlerConfig, length: number): number =>
  Math.ceil((config.runs * config.samples.cold) / (length * config.maxGrowth));

/** Every stream of a condition gets at most `perStream` of its commands over all runs. */
function foldedRange(
  config: HandlerConfig,
  condition: Condition,
  length: number,
): [number, number] {
  const perStream = Math.ceil(
    (config.runs * config.samples[condition]) / streamCount(config, length),
  );
  switch (condition) {
    case 'cold':
      return [length, length + perStream - 1];
    case 'snapshot':
      // The snapshot is taken at `length`, and one more event is appended to store it.
      return [1, perStream];
    case 'warm':
      return [0, 0];
  }
}

const DESCRIPTIONS: Record<Condition, string> = {
  cold: 'cold: new handler, no snapshot (read and fold every event)',
  snapshot: 'cold: new handler, snapshot present (read it + the events after it)',
  warm: 'warm: same handler (in-process cache)',
};

async function measure(store: SqliteEventStore, context: SuiteContext): Promise<HandlerResults> {
  const config = configFor(context.quick);
  const streams = new Map<string, StreamSet>();
  for (const length of config.lengths) {
    for (const condition of CONDITIONS) {
      const count = streamCount(config, length);
      context.log(`preparing ${count} streams of ${formatCount(length)} events (${condition})`);
      streams.set(`${condition}:${length}`, await prepareStreams(store, condition, length, count));
    }
  }
  const runs: HandlerRun[][] = [];
  for (let run = 1; run <= config.runs; run++) {
    const measured: HandlerRun[] = [];
    for (const length of config.lengths) {
      for (const condition of CONDITIONS) {
        const set = streams.get(`${condition}:${length}`) ?? [];
        const summary = await measureCondition(store, condition, set, config.samples[condition]);
        context.log(
          `run ${run}/${config.runs} ${formatCount(length)} ${condition}: p50 ${formatMs(summary.p50Ms)} ms, p99 ${formatMs(summary.p99Ms)} ms`,
        );
        measured.push({ length, condition, ...summary });
      }
    }
    runs.push(measured);
  }
  const medians = config.lengths.flatMap((length) =>
    CONDITIONS.map((condition) => {
      const same = runs.flat().filter((r) => r.length === length && r.condition === condition);
      return {
        length,
        condition,
        streams: streamCount(config, length),
        folded: foldedRange(config, condition, length),
        p50Ms: medianOf(same, (r) => r.p50Ms),
        p99Ms: medianOf(same, (r) => r.p99Ms),
      };
    }),
  );
  return { config, runs, medians };
}

function render(results: HandlerResults): string {
  const { config } = results;
  const table = markdownTable(
    ['Events in stream', 'Condition', 'Events read + folded', 'p50 ms', 'p99 ms'],
    results.medians.map((m) => [
      formatCount(m.length),
      DESCRIPTIONS[m.condition],
      m.folded[0] === m.folded[1]
        ? formatCount(m.folded[0])
        : `${formatCount(m.folded[0])}–${formatCount(m.folded[1])}`,
      formatMs(m.p50Ms),
      formatMs(m.p99Ms),
    ]),
    ['right', 'left', 'right', 'right', 'right'],
  );
  return [
    `Latency of \`handler.handle(...)\` for one command on a counter aggregate (decide increments, evolve sums) whose stream already holds the given number of events, written beforehand in appends of 1,000 events. Each command loads the stream, decides and appends one event durably, so every figure includes one fsync'd append (warm is little more than that). Median over ${config.runs} runs of the per-run p50 and p99; per run, ${config.samples.cold} commands per cold condition and ${config.samples.warm} warm, rotated over enough streams that none grows by more than ${config.maxGrowth * 100}% while measured. The snapshot policy is \`{ version: 'v1', every: ${SNAPSHOT_EVERY} }\`; each stream's snapshot was written by a handle after the stream was prepared (and checked to be stored), so a cold command reads it plus the events appended since.`,
    table,
  ].join('\n\n');
}

export const commandHandling: Suite<HandlerResults> = {
  name: 'handler',
  title: 'Command handling on long streams',
  run: (context) =>
    withTempDir(async (dataDir) => {
      const store = await SqliteEventStore.open({ dataDir });
      try {
        return await measure(store, context);
      } finally {
        await store.close();
      }
    }),
  render,
};
