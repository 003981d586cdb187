import fs from 'node:fs/promises';
import path from 'node:path';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { formatCount, passFail } from '../lib/format.js';
import { markdownTable } from '../lib/markdown-table.js';
import { medianOf } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import { withTempDir } from '../lib/temp-dir.js';
import type { ProfileSummary } from './place-order/cpu-profile.js';
import {
  ALL,
  catchUp,
  filterOf,
  readLog,
  subjectsOf,
  type CatchUpRun,
  type ReadRun,
  type Subject,
} from './read-side/catch-up.js';
import { CommerceSimulation, type LogShape } from './read-side/commerce-log.js';
import { profileWhile } from './read-side/cpu-profiler.js';
import { generatedShopShape } from './read-side/log-shape.js';
import { writeLog, type WrittenLog } from './read-side/log-writer.js';
import {
  areaLine,
  inclusiveTable,
  PROFILE_NOTES,
  selfTable,
  topOf,
} from './read-side/profile-tables.js';

interface ProjectionsConfig {
  readonly events: number;
  readonly shape: LogShape;
  readonly rounds: number;
  /** Plain reads of the log per measurement (their median is the ceiling). */
  readonly ceilingReads: number;
  readonly pageSize: number;
  readonly timeoutMs: number;
  /** When a target is missed, each projection is profiled catching up this many events (0: never). */
  readonly profileEvents: number;
}

/** One catch-up beside its ceiling, in the same round. */
interface Measurement extends CatchUpRun {
  readonly subject: Subject;
  /** Events the subject reads: its projection's filter (all five: the whole log). */
  readonly events: number;
  readonly ceilingSeconds: number;
  readonly ceilingRuns: readonly number[];
}

interface SubjectMedian {
  readonly subject: Subject;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** The whole log (up to the head) over the catch-up time. */
  readonly logEventsPerSecond: number;
  readonly ceilingSeconds: number;
  readonly ceilingEventsPerSecond: number;
  /** Catch-up rate ÷ ceiling rate (same events: ceiling time ÷ catch-up time). */
  readonly ratio: number;
  readonly cpuSeconds: number;
  readonly writtenBytes: number;
  readonly readStoreBytes: number;
  readonly deadLetters: number;
}

interface Target {
  readonly subject: Subject;
  readonly eventsPerSecond: number;
  readonly ratio: number;
  readonly ratePass: boolean;
  readonly ratioPass: boolean;
}

interface ProfiledCatchUp {
  readonly projection: string;
  readonly events: number;
  readonly seconds: number;
  readonly profile: ProfileSummary;
}

interface LogDescription extends WrittenLog {
  readonly bytes: number;
  readonly firstOccurredAt: string;
  readonly lastOccurredAt: string;
}

export interface ProjectionsResults {
  readonly config: ProjectionsConfig;
  readonly log: LogDescription;
  readonly rounds: readonly (readonly Measurement[])[];
  readonly medians: readonly SubjectMedian[];
  readonly targets: readonly Target[];
  readonly profiled?: readonly ProfiledCatchUp[];
}

const TARGET_EVENTS_PER_SECOND = 50_000;
const TARGET_CEILING_SHARE = 0.25;

function configFor(quick: boolean): ProjectionsConfig {
  return {
    ...generatedShopShape(quick),
    rounds: quick ? 2 : 3,
    ceilingReads: 3,
    pageSize: 2_000,
    timeoutMs: 30 * 60_000,
    profileEvents: quick ? 50_000 : 200_000,
  };
}

const mb = (bytes: number) => formatCount(bytes / 1e6);
const share = (ratio: number) => `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
const seconds = (s: number) => (s >= 100 ? s.toFixed(0) : s.toFixed(1));
const nameOf = (subject: Subject) =>
  subject === ALL ? 'all five together' : `\`${subject}\` alone`;

async function describeLog(
  store: SqliteEventStore,
  dir: string,
  written: WrittenLog,
): Promise<LogDescription> {
  const [first] = await store.readAll({ limit: 1 });
  const [last] = await store.readAll({ direction: 'backwards', limit: 1 });
  const occurred = (e: typeof first) => String(e?.metadata.occurredAt ?? '');
  const files = await fs.readdir(dir);
  const sizes = await Promise.all(
    files.filter((f) => f.startsWith('events.sqlite')).map((f) => fs.stat(path.join(dir, f))),
  );
  return {
    ...written,
    bytes: sizes.reduce((sum, s) => sum + s.size, 0),
    firstOccurredAt: occurred(first),
    lastOccurredAt: occurred(last),
  };
}

/** The generated log's directory, in the suite's temporary directory. */
const LOG_DIR = 'log';

async function measureRound(
  store: SqliteEventStore,
  dir: string,
  head: string,
  round: number,
  config: ProjectionsConfig,
  context: SuiteContext,
): Promise<Measurement[]> {
  const measured: Measurement[] = [];
  for (const subject of subjectsOf()) {
    const reads: ReadRun[] = [];
    for (let i = 0; i < config.ceilingReads; i++) {
      reads.push(await readLog(store, filterOf(subject), head, config.pageSize));
    }
    const readStoreDir = path.join(dir, `read-${round}-${subject}`);
    const run = await catchUp(
      store,
      path.join(dir, LOG_DIR),
      readStoreDir,
      subject,
      head,
      config.timeoutMs,
    );
    await fs.rm(readStoreDir, { recursive: true, force: true });
    const events = reads[0]?.events ?? 0;
    const ceilingSeconds = medianOf(reads, (r) => r.seconds);
    context.log(
      `round ${round} ${subject}: ${formatCount(events)} events in ${seconds(run.seconds)} s (${formatCount(events / run.seconds)}/s); plain read ${seconds(ceilingSeconds)} s (${formatCount(events / ceilingSeconds)}/s)`,
    );
    measured.push({
      subject,
      events,
      ceilingSeconds,
      ceilingRuns: reads.map((r) => r.seconds),
      ...run,
    });
  }
  return measured;
}

function mediansOf(
  rounds: readonly (readonly Measurement[])[],
  logEvents: number,
): SubjectMedian[] {
  return subjectsOf().map((subject) => {
    const runs = rounds.flatMap((r) => r.filter((m) => m.subject === subject));
    const events = runs[0]?.events ?? 0;
    const catchUpSeconds = medianOf(runs, (r) => r.seconds);
    const ceilingSeconds = medianOf(runs, (r) => r.ceilingSeconds);
    return {
      subject,
      events,
      seconds: catchUpSeconds,
      eventsPerSecond: events / catchUpSeconds,
      logEventsPerSecond: logEvents / catchUpSeconds,
      ceilingSeconds,
      ceilingEventsPerSecond: events / ceilingSeconds,
      ratio: ceilingSeconds / catchUpSeconds,
      cpuSeconds: medianOf(runs, (r) => r.cpuSeconds),
      writtenBytes: medianOf(runs, (r) => r.writtenBytes),
      readStoreBytes: medianOf(runs, (r) => r.readStoreBytes),
      deadLetters: Math.max(...runs.map((r) => r.deadLetters)),
    };
  });
}

async function profileProjections(
  store: SqliteEventStore,
  dir: string,
  config: ProjectionsConfig,
  logEvents: number,
  context: SuiteContext,
): Promise<ProfiledCatchUp[]> {
  const events = Math.min(config.profileEvents, logEvents);
  const [at] = await store.readAll({ fromPosition: String(events - 1), limit: 1 });
  const position = at?.position ?? String(events);
  const profiled: ProfiledCatchUp[] = [];
  for (const subject of subjectsOf().filter((s) => s !== ALL)) {
    const readStoreDir = path.join(dir, `profile-${subject}`);
    const { result, summary } = await profileWhile(
      () =>
        catchUp(store, path.join(dir, LOG_DIR), readStoreDir, subject, position, config.timeoutMs),
      15,
    );
    await fs.rm(readStoreDir, { recursive: true, force: true });
    context.log(
      `profiled ${subject} over the first ${formatCount(events)} events: ${seconds(result.seconds)} s`,
    );
    profiled.push({
      projection: subject,
      events,
      seconds: result.seconds,
      profile: topOf(summary, 12),
    });
  }
  return profiled;
}

async function run(context: SuiteContext): Promise<ProjectionsResults> {
  const config = configFor(context.quick);
  return withTempDir(async (dir) => {
    const logDir = path.join(dir, LOG_DIR);
    const store = await SqliteEventStore.open({ dataDir: logDir });
    try {
      context.log(`generating ${formatCount(config.events)} events`);
      const simulation = new CommerceSimulation(config.shape);
      const written = await writeLog(store, simulation.days(), config.events, (n) =>
        context.log(`appended ${formatCount(n)} events`),
      );
      const log = await describeLog(store, logDir, written);
      context.log(
        `log: ${formatCount(log.events)} events, ${formatCount(log.streams)} streams, ${mb(log.bytes)} MB, appended in ${seconds(log.seconds)} s`,
      );
      const rounds: Measurement[][] = [];
      for (let round = 1; round <= config.rounds; round++) {
        rounds.push(await measureRound(store, dir, log.head, round, config, context));
      }
      const medians = mediansOf(rounds, log.events);
      const targets = medians.map((m) => ({
        subject: m.subject,
        eventsPerSecond: m.eventsPerSecond,
        ratio: m.ratio,
        ratePass: m.eventsPerSecond >= TARGET_EVENTS_PER_SECOND,
        ratioPass: m.ratio >= TARGET_CEILING_SHARE,
      }));
      const missed = targets.some((t) => !t.ratePass || !t.ratioPass);
      let profiled: ProfiledCatchUp[] | undefined;
      if (missed && config.profileEvents > 0) {
        context.log('a target was missed: profiling each projection alone');
        profiled = await profileProjections(store, dir, config, log.events, context);
      }
      return { config, log, rounds, medians, targets, ...(profiled && { profiled }) };
    } finally {
      await store.close();
    }
  });
}

function logParagraph(results: ProjectionsResults): string {
  const { log, config } = results;
  const { shape } = config;
  const types = Object.entries(log.types)
    .sort(([, a], [, b]) => b - a)
    .map(([type, n]) => `${type} ${((n / log.events) * 100).toFixed(1)}%`)
    .join(', ');
  const orders = log.types.OrderPlaced ?? 0;
  return [
    `**The log**: ${formatCount(log.events)} events in ${formatCount(log.streams)} streams (${mb(log.bytes)} MB of SQLite), generated once per run by a seeded simulation of a shop (bench/suites/read-side/commerce-log.ts): ${formatCount(shape.products)} products with stock and ${formatCount(shape.customers)} customers, set up from ${log.firstOccurredAt.slice(0, 10)}, then ${formatCount(orders)} orders placed from ${shape.start} to ${log.lastOccurredAt.slice(0, 10)} (\`occurredAt\`; the log ends there, some orders still in progress), each through the fulfilment steps (reserve every line, capture, commit, confirm; or rejected for stock or payment, or cancelled) and then shipped, delivered, sometimes refunded or reviewed; products sell with a Zipf(${shape.productSkew}) popularity, 1–4 lines per order, prices in EUR and USD. Every event has the metadata the command handler writes (eventId, correlationId, causationId, actor, occurredAt, schemaVersion). Events are in time order, so causes precede effects across streams; they were appended through \`SqliteEventStore.appendToStream\` (not the command handler) with exact expected revisions, consecutive events of a stream in one append and up to 5,000 events' appends issued together so the writer commits them as one group (two transactions, one fsync each), in ${seconds(log.seconds)} s (${formatCount(log.events / log.seconds)} events/s).`,
    `Event mix: ${types}.`,
  ].join('\n\n');
}

function render(results: ProjectionsResults): string {
  const { config, medians, log } = results;
  const all = medians.find((m) => m.subject === ALL);
  const figures = markdownTable(
    [
      'Catch-up from an empty read store',
      'Events read',
      'Catch-up s',
      'Events/s',
      'Log events/s',
      'Plain read s (ceiling)',
      'Ceiling events/s',
      'Share of the ceiling',
      'CPU s',
      'Written MB',
      'Read store MB',
    ],
    medians.map((m) => [
      nameOf(m.subject),
      formatCount(m.events),
      seconds(m.seconds),
      formatCount(m.eventsPerSecond),
      formatCount(m.logEventsPerSecond),
      seconds(m.ceilingSeconds),
      formatCount(m.ceilingEventsPerSecond),
      share(m.ratio),
      seconds(m.cpuSeconds),
      mb(m.writtenBytes),
      mb(m.readStoreBytes),
    ]),
    ['left', ...Array<'right'>(10).fill('right')],
  );
  const targets = markdownTable(
    [
      'Target',
      `Events/s (>= ${formatCount(TARGET_EVENTS_PER_SECOND)})`,
      'Result',
      `Share of the ceiling (>= ${share(TARGET_CEILING_SHARE)})`,
      'Result',
    ],
    results.targets.map((t) => [
      nameOf(t.subject),
      formatCount(t.eventsPerSecond),
      passFail(t.ratePass),
      share(t.ratio),
      passFail(t.ratioPass),
    ]),
    ['left', 'right', 'left', 'right', 'left'],
  );
  const roundsText =
    config.rounds === 1
      ? `One round: at ${formatCount(config.events)} events a round (the five alone, then all five) takes about ${Math.round(results.rounds.flat().reduce((s, m) => s + m.seconds + m.ceilingRuns.reduce((a, b) => a + b, 0), 0) / 60)} minutes on this machine, so repeating it would not fit the suite's time budget; each ceiling is the median of ${config.ceilingReads} reads made right before its catch-up.`
      : `Median of ${config.rounds} rounds; each round measures every row, each catch-up right after its ceiling (the median of ${config.ceilingReads} reads).`;
  const parts = [
    `Catch-up of the read models over a generated log in the embedded SQLite event store, into the embedded read store: each projection alone, started with \`startProjection\` on an empty read store, and all five together as the engine starts them (\`startReadModels\`: a read model more than 100,000 positions behind the head, here every one, catches up on a worker thread of its own with its own store connections, then hands over to the runners that follow the log, on one more thread), timed until \`waitFor(head)\` resolves for every runner (so the last batch is committed). Runner options are the engine's defaults (batches of 200,000 events while behind the head, read and applied in pages of 5,000; 500 once live; no other tuning). Beside each, in the same run and on the same log, the _ceiling_: the same events read with nothing done to them, through the store's own \`readAll\` (rows to RecordedEvents, JSON parsed; pages of 1,000 events or more are read on the event store's page-reader thread, as a catch-up's are) in pages of ${formatCount(config.pageSize)} from the start to the head, with the projection's filter (all five: the whole log, unfiltered). _Events read_ are the events the projection's filter selects, which is what it applies (all five: the whole log); _Events/s_ is those over the catch-up time, _Log events/s_ the whole log over it. Every catch-up has a fresh read store; none parked a dead letter (${Math.max(...medians.map((m) => m.deadLetters))} in all). CPU is this process's user+system time over the catch-up (all threads; alone, every runner and read-store call runs on the main thread, and the log's pages are read on the event store's page-reader thread); _Written MB_ is what the process passed to write calls meanwhile (\`wchar\` from /proc: the read store's WAL and checkpoints); _Read store MB_ is the read store's size afterwards.`,
    roundsText,
    logParagraph(results),
    figures,
    targets,
  ];
  if (all) {
    const alone = medians.filter((m) => m.subject !== ALL).reduce((sum, m) => sum + m.seconds, 0);
    parts.push(
      `All five together took ${seconds(all.seconds)} s for the ${formatCount(log.events)}-event log (the five alone: ${seconds(alone)} s in sum): rebuilding every read model from this log takes that long, the five runners sharing one event loop and one read store. _Share of the ceiling_ is the catch-up's events/s over the plain read's, for the same events.`,
    );
  }
  if (results.profiled) {
    const [first] = results.profiled;
    parts.push(
      `### Where the time goes (CPU profiles)`,
      `Targets were missed, so each projection caught up once more (not counted above), alone, from an empty read store over the first ${formatCount(first?.events ?? 0)} events of the same log, under ${PROFILE_NOTES}`,
    );
    for (const p of results.profiled) {
      parts.push(
        `#### \`${p.projection}\`: ${seconds(p.seconds)} s with the profiler on, main thread busy ${formatCount(p.profile.busyMs)} of ${formatCount(p.profile.wallMs)} ms\n\nBy area: ${areaLine(p.profile)}.`,
        selfTable(p.profile, 8),
        inclusiveTable(p.profile, 6),
      );
    }
  }
  return parts.join('\n\n');
}

export const projections: Suite<ProjectionsResults> = {
  name: 'projections',
  title: 'Projection catch-up over a generated log',
  run,
  render,
};
