import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../lib/repo-root.js';
import { formatCount, formatMs, formatRatio, passFail } from '../lib/format.js';
import { markdownTable } from '../lib/markdown-table.js';
import { median, medianOf } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';
import type { ProfileEntry, ProfileSummary } from './place-order/cpu-profile.js';
import {
  measureRound,
  type Measured,
  type ProfiledRound,
  type Round,
  type RoundConfig,
} from './place-order/measure-round.js';

interface PlaceOrderConfig extends RoundConfig {
  readonly runs: number;
  /** Profile the engine in one extra run when a target is missed. */
  readonly profileOnFailure: boolean;
}

interface Median {
  readonly requestsPerSecond: number;
  readonly minRequestsPerSecond: number;
  readonly maxRequestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly serverCores: number;
  readonly serverMainThreadCores: number;
  readonly clientCores: number;
  /** Server CPU milliseconds per answered request. */
  readonly serverCpuMsPerRequest: number;
}

interface OrdersMedian extends Median {
  readonly confirmedPerSecond: number;
  readonly minConfirmedPerSecond: number;
  readonly maxConfirmedPerSecond: number;
}

interface Target {
  readonly name: string;
  readonly required: string;
  readonly measured: string;
  readonly pass: boolean;
}

/** Which engine was measured: the commit, and whether src/ had uncommitted changes. */
interface EngineSource {
  readonly commit: string;
  readonly srcChanged: boolean;
}

export interface PlaceOrderResults {
  readonly config: PlaceOrderConfig;
  readonly engine: EngineSource;
  readonly rounds: readonly Round[];
  readonly medians: {
    readonly orders: OrdersMedian;
    readonly echo: Median;
    /** Median over the runs of each run's confirmed orders/s ÷ echo requests/s. */
    readonly ratio: number;
    readonly minRatio: number;
    readonly maxRatio: number;
  };
  /** Answers per outcome, summed over the measured runs. */
  readonly outcomes: {
    readonly orders: Record<string, number>;
    readonly echo: Record<string, number>;
  };
  readonly targets: readonly Target[];
  /** The extra profiled run, when one was made. */
  readonly profiled?: ProfiledRound;
}

const TARGET_CONFIRMED_PER_SECOND = 1_500;
const TARGET_RATIO = 0.3;

const configFor = (quick: boolean): PlaceOrderConfig => ({
  runs: 3,
  connections: 64,
  warmupMs: quick ? 1_000 : 3_000,
  durationMs: quick ? 2_000 : 10_000,
  shop: { products: quick ? 20 : 100, stockPerProduct: 1_000_000, customers: 64 },
  bodies: 2_048,
  verifySample: quick ? 10 : 50,
  profileOnFailure: true,
});

function engineSource(): EngineSource {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    srcChanged: git('status', '--porcelain', '--', 'src') !== '',
  };
}

const cpuMsPerRequest = (m: Measured) => (m.serverCores * 1000) / m.requestsPerSecond;

function medianOfRuns(runs: readonly Measured[]): Median {
  const rates = runs.map((r) => r.requestsPerSecond);
  return {
    requestsPerSecond: median(rates),
    minRequestsPerSecond: Math.min(...rates),
    maxRequestsPerSecond: Math.max(...rates),
    p50Ms: medianOf(runs, (r) => r.p50Ms),
    p99Ms: medianOf(runs, (r) => r.p99Ms),
    non2xx: medianOf(runs, (r) => r.non2xx),
    serverCores: medianOf(runs, (r) => r.serverCores),
    serverMainThreadCores: medianOf(runs, (r) => r.serverMainThreadCores),
    clientCores: medianOf(runs, (r) => r.clientCores),
    serverCpuMsPerRequest: medianOf(runs, cpuMsPerRequest),
  };
}

function sumOutcomes(runs: readonly Measured[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const run of runs)
    for (const [name, n] of Object.entries(run.outcomes)) totals[name] = (totals[name] ?? 0) + n;
  return totals;
}

async function run(context: SuiteContext): Promise<PlaceOrderResults> {
  const config = configFor(context.quick);
  const engine = engineSource();
  const rounds: Round[] = [];
  for (let round = 1; round <= config.runs; round++) {
    context.log(`run ${round}/${config.runs}`);
    const result = await measureRound(config, round, false);
    const { echo, orders } = result;
    context.log(
      `echo ${formatCount(echo?.requestsPerSecond ?? Number.NaN)} req/s; orders ${formatCount(orders.requestsPerSecond)} req/s, ${formatCount(orders.confirmedPerSecond)} confirmed/s, p50 ${formatMs(orders.p50Ms)} ms, p99 ${formatMs(orders.p99Ms)} ms; server ${orders.serverCores.toFixed(2)} cores (main thread ${orders.serverMainThreadCores.toFixed(2)}), bench ${orders.clientCores.toFixed(2)} cores; load ${result.loadAverage.map((l) => l.toFixed(2)).join(' -> ')}`,
    );
    rounds.push(result);
  }
  const echoRuns = rounds.flatMap((r) => (r.echo ? [r.echo] : []));
  const orderRuns = rounds.map((r) => r.orders);
  const rates = orderRuns.map((r) => r.confirmedPerSecond);
  const ratios = rounds.map(
    (r) => r.orders.confirmedPerSecond / (r.echo?.requestsPerSecond ?? Number.NaN),
  );
  const orders: OrdersMedian = {
    ...medianOfRuns(orderRuns),
    confirmedPerSecond: median(rates),
    minConfirmedPerSecond: Math.min(...rates),
    maxConfirmedPerSecond: Math.max(...rates),
  };
  const ratio = median(ratios);
  const targets: Target[] = [
    {
      name: 'confirmed orders/s, 64 connections',
      required: `>= ${formatCount(TARGET_CONFIRMED_PER_SECOND)}`,
      measured: formatCount(orders.confirmedPerSecond),
      pass: orders.confirmedPerSecond >= TARGET_CONFIRMED_PER_SECOND,
    },
    {
      name: 'confirmed orders/s ÷ echo requests/s',
      required: `>= ${TARGET_RATIO.toFixed(2)}`,
      measured: ratio.toFixed(3),
      pass: ratio >= TARGET_RATIO,
    },
  ];
  let profiled: ProfiledRound | undefined;
  if (config.profileOnFailure && targets.some((t) => !t.pass)) {
    context.log('a target was missed: one more run with the engine under the CPU profiler');
    profiled = (await measureRound(config, config.runs + 1, true)) as ProfiledRound;
    context.log(
      `profiled: ${formatCount(profiled.orders.confirmedPerSecond)} confirmed/s; busy ${formatCount(profiled.profile.busyMs)} of ${formatCount(profiled.profile.wallMs)} ms`,
    );
  }
  return {
    config,
    engine,
    rounds,
    medians: {
      orders,
      echo: medianOfRuns(echoRuns),
      ratio,
      minRatio: Math.min(...ratios),
      maxRatio: Math.max(...ratios),
    },
    outcomes: { orders: sumOutcomes(orderRuns), echo: sumOutcomes(echoRuns) },
    targets,
    ...(profiled ? { profiled } : {}),
  };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const code = (text: string) => (text === '' ? '–' : `\`${text.replace(/\|/g, '\\|')}\``);

function profileTables(profile: ProfileSummary): string[] {
  const fn = (e: ProfileEntry) => [code(e.name), code(e.where)];
  const time = (e: ProfileEntry) => [formatCount(e.ms), percent(e.share)];
  const right = 'right' as const;
  return [
    markdownTable(
      ['Self time by area', 'ms', 'Share of busy'],
      profile.areas.map((e) => [code(e.name), ...time(e)]),
      ['left', right, right],
    ),
    markdownTable(
      [
        'Self time by function',
        'Where',
        'ms',
        'Share of busy',
        'Mostly under (engine or package caller, share)',
      ],
      profile.topSelf.map((e) => [
        ...fn(e),
        ...time(e),
        e.via && !e.where.endsWith(e.via.where)
          ? `${code(e.via.name)} ${code(e.via.where)}, ${percent(e.via.share)}`
          : '',
      ]),
      ['left', 'left', right, right, 'left'],
    ),
    markdownTable(
      ['Inclusive time, engine functions (src/)', 'Where', 'ms', 'Share of busy'],
      profile.topInclusiveSrc.map((e) => [...fn(e), ...time(e)]),
      ['left', 'left', right, right],
    ),
  ];
}

function render(results: PlaceOrderResults): string {
  const { config, medians, outcomes } = results;
  const seconds = (config.durationMs / 1000).toFixed(0);
  const warmup = (config.warmupMs / 1000).toFixed(0);
  const o = medians.orders;
  const e = medians.echo;
  const range = (min: number, max: number) => `${formatCount(min)}–${formatCount(max)}`;
  const figures = markdownTable(
    [
      'Route (64 connections)',
      'Requests/s',
      'Requests/s (min–max)',
      'Confirmed orders/s',
      'Confirmed/s (min–max)',
      'p50 ms',
      'p99 ms',
      'non-2xx',
      'Server CPU, cores (main thread)',
      'Server CPU ms / request',
      'autocannon CPU, cores',
    ],
    [
      [
        'PlaceOrder: `POST /v1/orders`, engine',
        formatCount(o.requestsPerSecond),
        range(o.minRequestsPerSecond, o.maxRequestsPerSecond),
        formatCount(o.confirmedPerSecond),
        range(o.minConfirmedPerSecond, o.maxConfirmedPerSecond),
        formatMs(o.p50Ms),
        formatMs(o.p99Ms),
        formatCount(o.non2xx),
        `${o.serverCores.toFixed(2)} (${o.serverMainThreadCores.toFixed(2)})`,
        formatMs(o.serverCpuMsPerRequest),
        o.clientCores.toFixed(2),
      ],
      [
        'echo: `express.json()` + `res.json(req.body)`',
        formatCount(e.requestsPerSecond),
        range(e.minRequestsPerSecond, e.maxRequestsPerSecond),
        '–',
        '–',
        formatMs(e.p50Ms),
        formatMs(e.p99Ms),
        formatCount(e.non2xx),
        `${e.serverCores.toFixed(2)} (${e.serverMainThreadCores.toFixed(2)})`,
        formatMs(e.serverCpuMsPerRequest),
        e.clientCores.toFixed(2),
      ],
    ],
    [
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ],
  );
  const ratios = markdownTable(
    ['Ratio (per run, side by side; median of runs)', 'Value', 'min–max'],
    [
      [
        'confirmed orders/s ÷ echo requests/s',
        medians.ratio.toFixed(3),
        `${medians.minRatio.toFixed(3)}–${medians.maxRatio.toFixed(3)}`,
      ],
      [
        'server CPU per order ÷ per echo request',
        formatRatio(o.serverCpuMsPerRequest / e.serverCpuMsPerRequest),
        '',
      ],
    ],
    ['left', 'right', 'right'],
  );
  const targets = markdownTable(
    ['Target', 'Required', 'Measured', 'Result'],
    results.targets.map((t) => [t.name, t.required, t.measured, passFail(t.pass)]),
    ['left', 'right', 'right', 'left'],
  );
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([name, n]) => `${name} ${formatCount(n)}`)
      .join(', ');
  const verified = results.rounds.reduce(
    (sum, r) => ({
      checked: sum.checked + r.orders.verified.checked,
      confirmed: sum.confirmed + r.orders.verified.confirmed,
    }),
    { checked: 0, confirmed: 0 },
  );
  const loads = results.rounds.flatMap((r) => r.loadAverage);
  const exits = results.rounds.flatMap((r) => [r.exitCodes.engine, r.exitCodes.echo ?? 0]);
  const clean = exits.every((code) => code === 0);
  const parts = [
    `\`PlaceOrder\` end to end over HTTP: the engine (\`src/main.ts\` compiled by \`npm run bench\` and run with node from \`dist/\`, as \`npm start\` runs it; embedded SQLite event store, \`LOG_LEVEL=warn\`) runs in a child process on a fresh data directory; the shop is set up through the API (staff login, ${formatCount(config.shop.products)} products via \`POST /v1/products\`, ${formatCount(config.shop.stockPerProduct)} units of each received so nothing runs out, ${config.shop.customers} customers registered and signed in). autocannon, in the bench process, keeps ${config.connections} keep-alive connections busy (one request in flight each), each connection signed in as its own customer and rotating through its share of ${formatCount(config.bodies)} distinct bodies: 1–3 random products with quantities 1–3, a shipping address and \`payment: {method: 'card', token: 'tok_visa'}\`. A confirmed order is a 201 whose body has \`status: 'confirmed'\` (every response body is parsed); after each run a random sample of them is read back with \`GET /v1/orders/:id\`. Beside it, in the same run and with the same connections, tokens and bodies, a minimal express 5 app in another child process that parses the JSON and echoes it (\`express.json()\`, \`res.json(req.body)\`), measured first, while the engine is idle. Each measurement is a ${warmup} s warm-up then ${seconds} s measured; latency is per request (p50/p99 of every response of the run). Median of ${config.runs} runs, each on a fresh data directory. The engine measured is commit \`${results.engine.commit}\`${results.engine.srcChanged ? ' plus the uncommitted changes under `src/` at the time' : ''}. Server CPU is the child's user+system time over the measured window (from \`/proc\`), all threads and, in brackets, the main thread alone (the event loop running the JavaScript; the other threads are the event store's writer worker, the thread running the read models, libuv's pool and V8's GC helpers).`,
    `**This is a 2-core machine**: the server child and autocannon (the bench process) compete for the same two cores, so the server never has a core to itself and autocannon's own CPU (last column) is taken from the same budget. The 1-minute load average around the runs was ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (other work shares the machine).`,
    figures,
    ratios,
    targets,
    `Answers over the ${config.runs} measured runs — PlaceOrder: ${list(outcomes.orders)}; echo: ${list(outcomes.echo)}. Sampled confirmed answers read back as \`confirmed\` by \`GET /v1/orders/:id\`: ${verified.confirmed}/${verified.checked}. On SIGTERM ${clean ? 'every child exited cleanly (code 0)' : `the children exited with codes ${exits.join(', ')}`}.`,
  ];
  const profiled = results.profiled;
  if (profiled) {
    const p = profiled.profile;
    parts.push(
      `### Where the engine's time goes (CPU profile)`,
      `A target was missed, so one more run (not counted above) profiled the engine child over its ${seconds} s measured window only (V8 sampling profiler via \`node:inspector\`, loaded with \`--import bench/servers/cpu-profile-hook.ts\`, started and stopped by SIGUSR2; no engine code changes). That run made ${formatCount(profiled.orders.confirmedPerSecond)} confirmed orders/s with the profiler on; the main thread was busy ${formatCount(p.busyMs)} ms of ${formatCount(p.wallMs)} ms (${percent(p.busyMs / p.wallMs)}). The profiler samples the main thread only (the writer worker's CPU is in the server CPU column, not here). Shares are of the busy time; positions are mapped back to the TypeScript sources; a native function (SQLite's \`all\`/\`run\`, crypto jobs, JSON, socket writes) is listed with the function that called it and charged to that caller's area. \`(program)\` is V8/native work not attributed to a JS function (parsing, compiling, native I/O glue), \`(garbage collector)\` is GC.`,
      ...profileTables(p),
    );
  }
  return parts.join('\n\n');
}

export const placeOrder: Suite<PlaceOrderResults> = {
  name: 'place-order',
  title: 'PlaceOrder over HTTP vs an express echo route',
  run,
  render,
};
