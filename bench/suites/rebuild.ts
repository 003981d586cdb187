import os from 'node:os';
import path from 'node:path';
import { Operations } from '../../src/ops/operations.js';
import { PROJECTIONS } from '../../src/projections/read-models.js';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { formatCount, formatRatio } from '../lib/format.js';
import { markdownTable } from '../lib/markdown-table.js';
import { ownCpuSeconds } from '../lib/process-cpu.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import { withTempDir } from '../lib/temp-dir.js';
import { readLog } from './read-side/catch-up.js';
import { CommerceSimulation, type LogShape } from './read-side/commerce-log.js';
import { generatedShopShape } from './read-side/log-shape.js';
import { writeLog } from './read-side/log-writer.js';

interface RebuildConfig {
  readonly events: number;
  readonly shape: LogShape;
  readonly pageSize: number;
}

interface ModelRebuild {
  readonly name: string;
  /** Events the rebuild applied (those its projection selects). */
  readonly events: number;
  /** From the start of all rebuilds to this one's swap. */
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface RebuildResults {
  readonly config: RebuildConfig;
  readonly log: {
    readonly events: number;
    readonly streams: number;
    readonly appendSeconds: number;
  };
  /** A plain read of the whole log in the same run. */
  readonly ceiling: { readonly seconds: number; readonly eventsPerSecond: number };
  readonly models: readonly ModelRebuild[];
  readonly all: {
    readonly seconds: number;
    /** Log events over the wall time of all five rebuilds. */
    readonly logEventsPerSecond: number;
    /** Events applied, summed over the read models, over that time. */
    readonly appliedPerSecond: number;
    readonly cpuSeconds: number;
  };
  readonly loadAverage: readonly [number, number];
}

const configFor = (quick: boolean): RebuildConfig => ({
  ...generatedShopShape(quick),
  pageSize: 2_000,
});

async function run({ quick, log }: SuiteContext): Promise<RebuildResults> {
  const config = configFor(quick);
  return withTempDir(async (dir) => {
    const store = await SqliteEventStore.open({ dataDir: path.join(dir, 'log') });
    const readStore = await EmbeddedReadStore.open({ dataDir: path.join(dir, 'read') });
    try {
      log(`generating ${formatCount(config.events)} events`);
      const written = await writeLog(
        store,
        new CommerceSimulation(config.shape).days(),
        config.events,
        (n) => log(`appended ${formatCount(n)} events`),
      );
      const ceiling = await readLog(store, undefined, written.head, config.pageSize);
      const loadBefore = os.loadavg()[0] ?? Number.NaN;
      const operations = new Operations({ eventStore: store, readStore, holder: 'bench:rebuild' });
      log('rebuilding all five read models at once');
      const cpu0 = ownCpuSeconds();
      const startedAt = performance.now();
      const models = await Promise.all(
        PROJECTIONS.map(async (projection) => {
          const result = await operations.rebuild(projection.name);
          const seconds = (performance.now() - startedAt) / 1000;
          log(
            `${projection.name}: ${formatCount(result.events)} events in ${seconds.toFixed(0)} s`,
          );
          return {
            name: projection.name,
            events: result.events,
            seconds,
            eventsPerSecond: result.events / seconds,
          };
        }),
      );
      const seconds = (performance.now() - startedAt) / 1000;
      const cpuSeconds = ownCpuSeconds() - cpu0;
      const loadAfter = os.loadavg()[0] ?? Number.NaN;
      return {
        config,
        log: { events: written.events, streams: written.streams, appendSeconds: written.seconds },
        ceiling: { seconds: ceiling.seconds, eventsPerSecond: ceiling.events / ceiling.seconds },
        models,
        all: {
          seconds,
          logEventsPerSecond: written.events / seconds,
          appliedPerSecond: models.reduce((sum, m) => sum + m.events, 0) / seconds,
          cpuSeconds,
        },
        loadAverage: [loadBefore, loadAfter],
      };
    } finally {
      await readStore.close();
      await store.close();
    }
  });
}

function render(results: RebuildResults): string {
  const { all, ceiling } = results;
  return [
    `Zero-downtime rebuild (\`Operations.rebuild\`, what \`POST /v1/ops/projections/:name/rebuild\` and \`npx commerce projections rebuild <name>\` run) of all five read models at once over a generated log of ${formatCount(results.log.events)} events in ${formatCount(results.log.streams)} streams (the same seeded shop simulation as the projection catch-up suite), in the embedded stores, from an empty read store: each rebuild builds its shadow collections to the head, then swaps them in. Run as the command line does (no live runners in the process), one run. Beside it, in the same run, the ceiling: a plain read of the whole log through \`readAll\` in pages of ${formatCount(results.config.pageSize)}. Load average ${results.loadAverage[0].toFixed(1)} before, ${results.loadAverage[1].toFixed(1)} after.`,
    markdownTable(
      ['Read model', 'Events applied', 'Done after s', 'Events/s'],
      results.models.map((m) => [
        `\`${m.name}\``,
        formatCount(m.events),
        m.seconds.toFixed(1),
        formatCount(m.eventsPerSecond),
      ]),
      ['left', 'right', 'right', 'right'],
    ),
    markdownTable(
      ['All five', 'Value'],
      [
        ['Wall time', `${all.seconds.toFixed(1)} s`],
        ['Log events/s (whole log over the wall time)', formatCount(all.logEventsPerSecond)],
        ['Applied events/s (summed over the read models)', formatCount(all.appliedPerSecond)],
        ['CPU (this process, all threads)', `${all.cpuSeconds.toFixed(1)} s`],
        [
          'Plain read of the log (ceiling)',
          `${formatCount(ceiling.eventsPerSecond)} events/s (${ceiling.seconds.toFixed(1)} s)`,
        ],
        ['Log events/s / ceiling', formatRatio(all.logEventsPerSecond / ceiling.eventsPerSecond)],
      ],
      ['left', 'right'],
    ),
  ].join('\n\n');
}

export const rebuild: Suite<RebuildResults> = {
  name: 'rebuild',
  title: 'Rebuild of all read models',
  run,
  render,
};
