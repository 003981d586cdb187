/**
 * Charts for BENCHMARKS.md: a suite describes each chart as a Vega-Lite spec
 * over its own results, and the runner renders it to an SVG file next to the
 * document (headless: Vega's SVG renderer needs no browser or canvas).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Chart {
  /** File name stem: the SVG is written as `<suite>-<name>.svg`. */
  readonly name: string;
  /** Shown as the image's alt text and above it. */
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const THEME = {
  background: 'white',
  font: 'Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6', labelLimit: 320 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  view: { stroke: 'transparent' },
} as const;

/** The chart as a standalone SVG document. */
export async function renderSvg(chart: Chart): Promise<string> {
  const spec = { ...chart.spec, config: { ...THEME, ...(chart.spec.config ?? {}) } };
  const view = new vega.View(vega.parse(compile(spec as TopLevelSpec).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

type Row = Readonly<Record<string, string | number | null>>;

interface SeriesOptions {
  readonly x: {
    readonly field: string;
    readonly title: string;
    readonly type?: 'quantitative' | 'ordinal' | 'temporal';
    readonly log?: boolean;
  };
  readonly y: { readonly field: string; readonly title: string; readonly log?: boolean };
  /** Field naming the series (one line per value). */
  readonly series?: { readonly field: string; readonly title: string };
  readonly width?: number;
  readonly height?: number;
}

const axisScale = (log: boolean | undefined) => (log ? { scale: { type: 'log' as const } } : {});

/** What every chart spec shares: schema, title, size, data, and the y axis. */
function baseSpec(title: string, rows: readonly Row[], options: SeriesOptions) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: options.width ?? 560,
    height: options.height ?? 260,
    data: { values: rows.map((row) => ({ ...row })) },
  };
}

const yAxis = (options: SeriesOptions) => ({
  field: options.y.field,
  type: 'quantitative' as const,
  title: options.y.title,
  ...axisScale(options.y.log),
});

const seriesColour = (series: { readonly field: string; readonly title: string }) => ({
  color: { field: series.field, type: 'nominal' as const, title: series.title },
});

/** Lines (with points when there are few): one per series value. */
export function lineChart(
  name: string,
  title: string,
  rows: readonly Row[],
  options: SeriesOptions,
): Chart {
  return {
    name,
    title,
    spec: {
      ...baseSpec(title, rows, options),
      mark: { type: 'line', point: rows.length <= 120 },
      encoding: {
        x: {
          field: options.x.field,
          type: options.x.type ?? 'quantitative',
          title: options.x.title,
          ...axisScale(options.x.log),
        },
        y: yAxis(options),
        ...(options.series ? seriesColour(options.series) : {}),
      },
    },
  };
}

/** Grouped bars: one group per `x` value, one bar per series value. */
export function groupedBarChart(
  name: string,
  title: string,
  rows: readonly Row[],
  options: SeriesOptions & { readonly series: { readonly field: string; readonly title: string } },
): Chart {
  return {
    name,
    title,
    spec: {
      ...baseSpec(title, rows, options),
      mark: 'bar',
      encoding: {
        x: { field: options.x.field, type: 'nominal', title: options.x.title },
        xOffset: { field: options.series.field },
        y: { ...yAxis(options), stack: null },
        ...seriesColour(options.series),
      },
    },
  };
}
