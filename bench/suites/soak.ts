import { execFileSync } from 'node:child_process';
import { groupedBarChart, lineChart, type Chart } from '../lib/charts.js';
import { REPO_ROOT } from '../lib/repo-root.js';
import { formatCount, formatMs, formatRatio, passFail } from '../lib/format.js';
import { markdownTable } from '../lib/markdown-table.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import { measureSoak, type SoakConfig, type SoakRun } from './soak/measure-soak.js';
import { MIX } from './soak/workload.js';

export interface SoakResults {
  readonly config: SoakConfig;
  readonly commit: string;
  readonly run: SoakRun;
}

const configFor = (quick: boolean): SoakConfig => ({
  seed: 42,
  shop: {
    products: quick ? 40 : 200,
    stockPerProduct: 1_000_000,
    customers: quick ? 16 : 64,
    ordersPerCustomer: 2,
  },
  sweepConnections: quick ? [1, 16] : [1, 4, 16, 64],
  sweepMs: quick ? 2_000 : 8_000,
  rate: quick ? 100 : 250,
  soakMs: quick ? 20_000 : 300_000,
  warmupMs: quick ? 5_000 : 420_000,
  echoMs: quick ? 5_000 : 30_000,
  maxInFlight: 512,
});

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const mib = (value: number | null) =>
  value === null || Number.isNaN(value) ? '–' : value.toFixed(0);

function statusLine(statuses: Readonly<Record<string, number>>, errors: number): string {
  const parts = Object.entries(statuses).map(([status, n]) => `${status}: ${formatCount(n)}`);
  if (errors > 0) parts.push(`errors: ${formatCount(errors)}`);
  return parts.join(', ');
}

function renderSoak(results: SoakResults): string {
  const { config, run } = results;
  const mix = MIX.map(([route, weight]) => `${route} ${weight}%`).join(', ');
  const echoByRoute = new Map(run.echoAtRate.routes.map((r) => [r.route, r]));
  const top = run.sweep.at(-1);
  const intro = [
    `Engine at commit \`${results.commit}\`, embedded stores, in a child process; the load generator, the express echo server (bench/servers/echo-server.ts, every route answers its JSON body or path) and the raw SQLite ceilings run on the same 2-core machine. Load average ${run.loadAverage[0].toFixed(1)} before, ${run.loadAverage[1].toFixed(1)} after.`,
    `**Workload** (bench/suites/soak/workload.ts), weights: ${mix}. Shop: ${config.shop.products} products, ${config.shop.customers} customers with a cart and ${config.shop.ordersPerCustomer} orders each. Cancels, ships and refunds act on orders the soak itself placed; when none is available the request becomes an order or a catalog read.`,
    `**Steady soak**: open loop at ${config.rate} requests/s for ${(config.soakMs / 60_000).toFixed(1)} min, after ${(config.warmupMs / 60_000).toFixed(1)} min of the same load as a warm-up (not in the figures below, except the memory chart, where it runs before 0 s) so the engine's bounded caches fill before memory is judged: 10,000 aggregates, 1,000 recent order decisions, 10,000 verified tokens, each product's 256 settled reservation outcomes, and the SQLite page caches (event store reader 32 MiB and writer 16 MiB, read store 64 MiB), which fill as the databases grow from empty; latency is measured from each request's scheduled send time, so a stall counts in full. At most ${config.maxInFlight} in flight (more would be shed: ${formatCount(run.soak.shed)} were). The echo server got the same workload at the same rate for ${config.echoMs / 1000} s (the latency ceiling).`,
  ].join('\n\n');

  const ceilings = markdownTable(
    ['Figure', 'Engine', 'Ceiling (same run)', 'Ratio'],
    [
      ...(top
        ? [
            [
              `Mixed read/write requests/s at ${top.connections} connections (stateless part of the mix)`,
              formatCount(top.engine.requestsPerSecond),
              `${formatCount(top.echo.requestsPerSecond)} (echo route)`,
              formatRatio(top.engine.requestsPerSecond / top.echo.requestsPerSecond),
            ],
            [
              `Events appended/s during that load`,
              formatCount(top.engine.eventsPerSecond),
              `${formatCount(run.ceilings.insertEventsPerSecond)} (raw SQLite insert, one transaction)`,
              formatRatio(top.engine.eventsPerSecond / run.ceilings.insertEventsPerSecond),
            ],
          ]
        : []),
      [
        'Single-product reads/s (GET /v1/catalog/:id, 64 connections)',
        formatCount(run.productReads.requestsPerSecond),
        `${formatCount(run.ceilings.pointReadsPerSecond)} (raw SQLite point read + JSON.parse)`,
        formatRatio(run.productReads.requestsPerSecond / run.ceilings.pointReadsPerSecond),
      ],
      [
        `Soak p99 over all routes at ${config.rate}/s`,
        `${formatMs(run.soak.overall.p99Ms)} ms`,
        `${formatMs(run.echoAtRate.overall.p99Ms)} ms (echo route)`,
        formatRatio(run.soak.overall.p99Ms / run.echoAtRate.overall.p99Ms),
      ],
    ],
    ['left', 'right', 'right', 'right'],
  );

  const sweep = markdownTable(
    [
      'Connections',
      'Engine req/s',
      'Engine p50 ms',
      'Engine p99 ms',
      'Events/s',
      'Echo req/s',
      'Echo p99 ms',
      'Engine / echo',
      'Engine non-2xx',
    ],
    run.sweep.map((p) => [
      String(p.connections),
      formatCount(p.engine.requestsPerSecond),
      formatMs(p.engine.p50Ms),
      formatMs(p.engine.p99Ms),
      formatCount(p.engine.eventsPerSecond),
      formatCount(p.echo.requestsPerSecond),
      formatMs(p.echo.p99Ms),
      formatRatio(p.engine.requestsPerSecond / p.echo.requestsPerSecond),
      formatCount(p.engine.non2xx + p.engine.errors),
    ]),
    ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );

  const routes = markdownTable(
    [
      'Route',
      'Requests',
      'req/s',
      'p50 ms',
      'p99 ms',
      'p99.9 ms',
      'Echo p50 / p99 / p99.9 ms',
      'p99 / echo p99',
      'Answers',
    ],
    run.soak.routes.map((r) => {
      const echo = echoByRoute.get(r.route);
      return [
        `\`${r.route}\``,
        formatCount(r.requests),
        r.perSecond.toFixed(1),
        formatMs(r.p50Ms),
        formatMs(r.p99Ms),
        formatMs(r.p999Ms),
        echo ? `${formatMs(echo.p50Ms)} / ${formatMs(echo.p99Ms)} / ${formatMs(echo.p999Ms)}` : '–',
        echo ? formatRatio(r.p99Ms / echo.p99Ms) : '–',
        statusLine(r.statuses, r.errors),
      ];
    }),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  );

  const lag = markdownTable(
    ['Read model', 'Median lag (events)', 'p99 lag', 'Max lag'],
    run.lag.map((l) => [
      `\`${l.name}\``,
      formatCount(l.medianEvents),
      formatCount(l.p99Events),
      formatCount(l.maxEvents),
    ]),
    ['left', 'right', 'right', 'right'],
  );

  const m = run.memory;
  const memory = markdownTable(
    ['Figure', 'Value'],
    [
      ['RSS, first fifth after warm-up (median)', `${mib(m.earlyMiB)} MiB`],
      ['RSS, last fifth (median)', `${mib(m.lateMiB)} MiB`],
      ['Growth', `${m.growthPercent.toFixed(1)}%`],
      ['Trend (least squares)', `${m.slopeMiBPerMinute.toFixed(2)} MiB/min`],
      ['V8 heap used, early → late (median)', `${mib(m.earlyHeapMiB)} → ${mib(m.lateHeapMiB)} MiB`],
      ...(m.earlyHeapTotalMiB === undefined
        ? []
        : [
            [
              'V8 heap committed, early → late (median)',
              `${mib(m.earlyHeapTotalMiB)} → ${mib(m.lateHeapTotalMiB ?? null)} MiB`,
            ],
            [
              'RSS outside the V8 heap, early → late (median)',
              `${mib(m.earlyOutsideHeapMiB ?? null)} → ${mib(m.lateOutsideHeapMiB ?? null)} MiB`,
            ],
          ]),
      ['Flat (growth ≤ 10%)', passFail(m.flat)],
    ],
    ['left', 'right'],
  );

  const answeredShare = run.soak.answered / Math.max(1, run.soak.sent);
  return [
    intro,
    '### Ceilings and ratios',
    ceilings,
    '### Throughput versus concurrency (closed loop)',
    `Each point: ${config.sweepMs / 1000} s of autocannon, one request in flight per connection, each connection cycling through its own 64 requests of the stateless part of the mix (orders, order and history reads, catalog, product, search, cart items), echo first while the engine idles.`,
    sweep,
    '### Steady soak, per route',
    `${formatCount(run.soak.sent)} requests sent in ${run.soak.durationS.toFixed(0)} s, ${percent(answeredShare)} answered (median ${formatCount(run.soak.answeredPerSecondMedian)} answers/s); ${formatCount(run.soak.eventsAppended)} events appended. Overall p50 ${formatMs(run.soak.overall.p50Ms)} ms, p99 ${formatMs(run.soak.overall.p99Ms)} ms, p99.9 ${formatMs(run.soak.overall.p999Ms)} ms.`,
    routes,
    '### Projection lag during the soak',
    `Read every second from \`GET /v1/ops/projections\` (events between each read model's position and the head). After the load stopped, every read model was at the head within ${Number.isNaN(run.settleMs) ? 'the 120 s limit: **not reached**' : `${formatCount(run.settleMs)} ms`}.`,
    lag,
    '### Memory during the soak',
    'Resident set size of the engine process from /proc every second (all threads, SQLite page caches included); V8 heap used and committed from its `/metrics`. RSS outside the V8 heap is RSS minus the committed heap: SQLite page caches, malloc arenas, code.',
    memory,
    `Children exited with ${String(run.exitCodes.engine)} (engine) and ${String(run.exitCodes.echo)} (echo) on SIGTERM.`,
  ].join('\n\n');
}

function soakCharts(results: SoakResults): Chart[] {
  const { run } = results;
  const throughput = run.sweep.flatMap((p) => [
    {
      connections: p.connections,
      server: 'engine (mixed workload)',
      rps: Math.round(p.engine.requestsPerSecond),
    },
    {
      connections: p.connections,
      server: 'express echo route',
      rps: Math.round(p.echo.requestsPerSecond),
    },
  ]);
  const latency = run.soak.routes.flatMap((r) =>
    (
      [
        ['p50', r.p50Ms],
        ['p99', r.p99Ms],
        ['p99.9', r.p999Ms],
      ] as const
    ).map(([pct, ms]) => ({
      route: r.route,
      percentile: pct,
      ms: Math.max(0.01, Number(ms.toFixed(2))),
    })),
  );
  const lag = run.readings.flatMap((r) =>
    Object.entries(r.lagEvents).map(([name, events]) => ({
      second: r.second,
      model: name,
      events,
    })),
  );
  const memory = [...(run.warmupReadings ?? []), ...run.readings].flatMap((r) => [
    { second: r.second, series: 'RSS', mib: Number(r.rssMiB.toFixed(1)) },
    ...(r.heapUsedMiB === null
      ? []
      : [{ second: r.second, series: 'V8 heap used', mib: Number(r.heapUsedMiB.toFixed(1)) }]),
    ...(typeof r.heapTotalMiB === 'number'
      ? [
          {
            second: r.second,
            series: 'V8 heap committed',
            mib: Number(r.heapTotalMiB.toFixed(1)),
          },
        ]
      : []),
  ]);
  return [
    lineChart(
      'throughput-vs-concurrency',
      'Throughput versus concurrency (closed loop)',
      throughput,
      {
        x: { field: 'connections', title: 'connections', log: true },
        y: { field: 'rps', title: 'requests/s' },
        series: { field: 'server', title: 'server' },
      },
    ),
    groupedBarChart(
      'latency-percentiles',
      `Latency per route at ${results.config.rate} requests/s (log scale)`,
      latency,
      {
        x: { field: 'route', title: 'route' },
        y: { field: 'ms', title: 'ms', log: true },
        series: { field: 'percentile', title: 'percentile' },
        width: 720,
      },
    ),
    lineChart('projection-lag', 'Projection lag during the soak', lag, {
      x: { field: 'second', title: 'seconds' },
      y: { field: 'events', title: 'events behind the head' },
      series: { field: 'model', title: 'read model' },
    }),
    lineChart('memory', 'Engine memory: warm-up (before 0 s), then the soak', memory, {
      x: { field: 'second', title: 'seconds' },
      y: { field: 'mib', title: 'MiB' },
      series: { field: 'series', title: '' },
    }),
  ];
}

export const soak: Suite<SoakResults> = {
  name: 'soak',
  title: 'Mixed load and soak',
  async run({ quick, log }: SuiteContext) {
    const config = configFor(quick);
    const run = await measureSoak(config, log);
    return { config, commit: commit(), run };
  },
  render: renderSoak,
  charts: soakCharts,
};
