/** Figures the soak suite derives from raw samples: per-route percentiles, lag and memory trend. */
import { median, percentile } from '../../lib/stats.js';
import type { OpenLoopRun } from './open-loop.js';
import type { Reading } from './samplers.js';

export interface Percentiles {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
}

export interface RouteFigures extends Percentiles {
  readonly route: string;
  readonly requests: number;
  readonly perSecond: number;
  /** Answers per HTTP status, and connection errors. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
}

const percentiles = (latencies: readonly number[]): Percentiles => ({
  p50Ms: percentile(latencies, 50),
  p99Ms: percentile(latencies, 99),
  p999Ms: percentile(latencies, 99.9),
});

export function routeFigures(run: OpenLoopRun): {
  readonly routes: readonly RouteFigures[];
  readonly overall: Percentiles;
} {
  const all: number[] = [];
  const routes = [...run.byRoute]
    .map(([route, samples]) => {
      all.push(...samples.latenciesMs);
      return {
        route,
        requests: samples.latenciesMs.length,
        perSecond: samples.latenciesMs.length / run.durationS,
        ...percentiles(samples.latenciesMs),
        statuses: Object.fromEntries(
          [...samples.statuses].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]),
        ),
        errors: samples.errors,
      };
    })
    .sort((a, b) => b.requests - a.requests);
  return { routes, overall: percentiles(all) };
}

export interface LagFigures {
  readonly name: string;
  readonly maxEvents: number;
  readonly p99Events: number;
  readonly medianEvents: number;
}

export function lagFigures(readings: readonly Reading[]): LagFigures[] {
  const names = [...new Set(readings.flatMap((r) => Object.keys(r.lagEvents)))].sort();
  return names.map((name) => {
    const lags = readings.map((r) => r.lagEvents[name]).filter((n) => n !== undefined);
    return {
      name,
      maxEvents: Math.max(0, ...lags),
      p99Events: percentile(lags, 99),
      medianEvents: median(lags),
    };
  });
}

export interface MemoryFigures {
  /** Median RSS over the first fifth of the soak after its warm-up tenth. */
  readonly earlyMiB: number;
  /** Median RSS over the last fifth. */
  readonly lateMiB: number;
  readonly growthPercent: number;
  /** Least-squares slope of RSS after the warm-up. */
  readonly slopeMiBPerMinute: number;
  readonly earlyHeapMiB: number | null;
  readonly lateHeapMiB: number | null;
  /** Median V8 heap committed, early and late (absent from older results). */
  readonly earlyHeapTotalMiB?: number | null;
  readonly lateHeapTotalMiB?: number | null;
  /** Median RSS outside the V8 heap (native: SQLite page caches, malloc, code), early and late. */
  readonly earlyOutsideHeapMiB?: number | null;
  readonly lateOutsideHeapMiB?: number | null;
  /** Late within 10% of early: no leak. */
  readonly flat: boolean;
}

const FLAT_GROWTH_PERCENT = 10;

function slopePerMinute(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : (sxy / sxx) * 60;
}

export function memoryFigures(readings: readonly Reading[]): MemoryFigures {
  const settled = readings.slice(Math.floor(readings.length / 10));
  const fifth = Math.max(1, Math.floor(settled.length / 5));
  const early = settled.slice(0, fifth);
  const late = settled.slice(-fifth);
  const rss = (rs: readonly Reading[]) => median(rs.map((r) => r.rssMiB));
  const medianOfKnown = (values: readonly (number | null | undefined)[]) => {
    const known = values.filter((v): v is number => typeof v === 'number');
    return known.length > 0 ? median(known) : null;
  };
  const heap = (rs: readonly Reading[]) => medianOfKnown(rs.map((r) => r.heapUsedMiB));
  const heapTotal = (rs: readonly Reading[]) => medianOfKnown(rs.map((r) => r.heapTotalMiB));
  const outsideHeap = (rs: readonly Reading[]) =>
    medianOfKnown(
      rs.map((r) => (typeof r.heapTotalMiB === 'number' ? r.rssMiB - r.heapTotalMiB : null)),
    );
  const earlyMiB = rss(early);
  const lateMiB = rss(late);
  const growthPercent = ((lateMiB - earlyMiB) / earlyMiB) * 100;
  return {
    earlyMiB,
    lateMiB,
    growthPercent,
    slopeMiBPerMinute: slopePerMinute(settled.map((r) => [r.second, r.rssMiB] as const)),
    earlyHeapMiB: heap(early),
    lateHeapMiB: heap(late),
    earlyHeapTotalMiB: heapTotal(early),
    lateHeapTotalMiB: heapTotal(late),
    earlyOutsideHeapMiB: outsideHeap(early),
    lateOutsideHeapMiB: outsideHeap(late),
    flat: growthPercent <= FLAT_GROWTH_PERCENT,
  };
}
